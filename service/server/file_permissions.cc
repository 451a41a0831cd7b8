#include "service/server/file_permissions.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "drug_db/file_text.h"

namespace dystonia {

absl::Status CheckSecretFileMode(const std::string& path,
                                 absl::string_view flag) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(
        absl::StrCat(flag, "=", path, ": ", std::strerror(errno)));
  }
  const bool others = (info.st_mode & 007) != 0;
  const bool group_writes = (info.st_mode & 020) != 0;
  const bool foreign_group_reads =
      (info.st_mode & 050) != 0 && info.st_gid != getegid();
  if (others || group_writes || foreign_group_reads) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s=%s: mode %04o lets others (or a group not the server's) "
        "read or change it; a key or token file must be the owner's only "
        "(chmod 600; on Kubernetes defaultMode 0440 with fsGroup = the "
        "server's group)",
        flag, path, info.st_mode & 07777));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path,
                                           absl::string_view flag) {
  absl::Status mode = CheckSecretFileMode(path, flag);
  if (!mode.ok()) return mode;
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat(flag, ": ", text.status().message()));
  }
  return text;
}

absl::StatusOr<std::string> PrepareDatabaseDirectory(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    std::error_code error;
    const std::filesystem::path parent =
        std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--db_path=", path, ": cannot create: ", std::strerror(errno)));
    }
    // mkdir's mode is filtered by the umask; 0700 must hold whatever it is.
    chmod(path.c_str(), 0700);
    return std::string();
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--db_path=", path, ": not a directory"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::StrFormat(
        "--db_path=%s: mode %04o lets group or others into the drug store "
        "and its audit trail; chmod 700 it (a new one is created 0700)",
        path, info.st_mode & 07777);
  }
  return std::string();
}

}  // namespace dystonia
