#ifndef DYSTONIA_SERVICE_SERVER_FILE_PERMISSIONS_H_
#define DYSTONIA_SERVICE_SERVER_FILE_PERMISSIONS_H_

// What the server demands of the modes of the files it holds secrets in:
// keys and tokens readable by their owner only, the database directory
// closed to everyone else.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dystonia {

// Returns OK when `path` (after symlinks, as Kubernetes mounts secrets)
// grants nothing to others and nothing to its group, except read to the
// server's own effective group: Kubernetes gives a non-root pod its secrets
// only that way (owner root, group fsGroup, mode at least 0440), and that
// group holds no one but the server. Otherwise kFailedPrecondition naming
// `flag`, the path and the octal mode; kNotFound when it cannot be stat'ed.
absl::Status CheckSecretFileMode(const std::string& path,
                                 absl::string_view flag);

// CheckSecretFileMode, then the file's contents.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path,
                                           absl::string_view flag);

// Creates the database directory `path` (and missing parents) with mode
// 0700. An existing directory is used as it is; returns a warning ("" when
// none) if it grants anything to group or others, since its mode is often
// set by whoever mounted the volume and the server cannot always change it.
// kInvalidArgument naming --db_path when it exists but is not a directory or
// cannot be created.
absl::StatusOr<std::string> PrepareDatabaseDirectory(const std::string& path);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_FILE_PERMISSIONS_H_
