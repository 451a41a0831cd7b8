#ifndef DYSTONIA_SERVICE_AUTH_ROCKSDB_JTI_STORE_H_
#define DYSTONIA_SERVICE_AUTH_ROCKSDB_JTI_STORE_H_

// A JtiStore in a RocksDB database of its own, so that a token replayed
// after a restart is still refused. Each id is held until its token's
// expiry and purged after it; as tokens live at most minutes, the store
// stays small. There is no shared store: each replica refuses the replays
// it has seen itself.
//
// Layout: "i/<id>" -> forget_after, and "t/<forget_after><id>" -> "" so that
// expired ids are found in time order (times are big-endian microseconds).
//
// Thread-safe. One process at a time may open a directory (RocksDB's lock).

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "service/auth/jti_store.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace dystonia::auth {

struct RocksDbJtiStoreOptions {
  // The most live ids held; a token beyond it is refused rather than an id
  // forgotten early. Default: 1,000,000 (tens of MB).
  size_t max_entries = 1000000;
  // Syncs the write-ahead log before a token is accepted. Without it an id
  // survives a process restart (the OS holds the log) but not a machine
  // crash. Default: false (a CDS Hooks call is not held up by an fsync).
  bool sync_writes = false;
};

class RocksDbJtiStore final : public JtiStore {
 public:
  // Opens (creating when missing) the database in directory `path` and
  // counts the ids it holds. The RocksDB error, converted, when it cannot.
  static absl::StatusOr<std::unique_ptr<RocksDbJtiStore>> Open(
      const std::string& path, RocksDbJtiStoreOptions options = {});

  ~RocksDbJtiStore() override;

  absl::Status Record(absl::string_view id, absl::Time forget_after,
                      absl::Time now) override;
  size_t Size() const override;

 private:
  RocksDbJtiStore(std::unique_ptr<rocksdb::DB> db,
                  RocksDbJtiStoreOptions options);

  // Deletes the ids whose time is before `now`.
  absl::Status PurgeLocked(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Reads the earliest time held into next_expiry_ and counts the ids.
  absl::Status LoadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const RocksDbJtiStoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;

  mutable absl::Mutex mutex_;
  size_t size_ ABSL_GUARDED_BY(mutex_) = 0;
  // No id expires before this: a purge before it has nothing to do.
  absl::Time next_expiry_ ABSL_GUARDED_BY(mutex_) = absl::InfiniteFuture();
};

}  // namespace dystonia::auth

#endif  // DYSTONIA_SERVICE_AUTH_ROCKSDB_JTI_STORE_H_
