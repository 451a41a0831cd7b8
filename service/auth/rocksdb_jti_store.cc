#include "service/auth/rocksdb_jti_store.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "drug_db/drug_store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace dystonia::auth {
namespace {

constexpr absl::string_view kIdPrefix = "i/";
constexpr absl::string_view kTimePrefix = "t/";

// Big-endian, so that RocksDB's byte order is time order.
std::string EncodeTime(absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  const uint64_t value = micros < 0 ? 0 : static_cast<uint64_t>(micros);
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((value >> (56 - 8 * i)) & 0xff);
  }
  return bytes;
}

absl::Time DecodeTime(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8 && i < static_cast<int>(bytes.size()); ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return absl::FromUnixMicros(static_cast<int64_t>(value));
}

rocksdb::Slice ToSlice(absl::string_view text) {
  return rocksdb::Slice(text.data(), text.size());
}

absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

}  // namespace

RocksDbJtiStore::RocksDbJtiStore(std::unique_ptr<rocksdb::DB> db,
                                 RocksDbJtiStoreOptions options)
    : options_(options), db_(std::move(db)) {}

RocksDbJtiStore::~RocksDbJtiStore() = default;

absl::StatusOr<std::unique_ptr<RocksDbJtiStore>> RocksDbJtiStore::Open(
    const std::string& path, RocksDbJtiStoreOptions options) {
  if (options.max_entries == 0) options.max_entries = 1;
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  // Small and short-lived: keep RocksDB's own files few.
  db_options.keep_log_file_num = 2;
  db_options.max_open_files = 64;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, path, &raw);
  if (!status.ok()) {
    return FromRocksDbStatus(status, absl::StrCat("JWT replay store ", path));
  }
  std::unique_ptr<RocksDbJtiStore> store(
      new RocksDbJtiStore(std::unique_ptr<rocksdb::DB>(raw), options));
  absl::MutexLock lock(&store->mutex_);
  absl::Status loaded = store->LoadLocked();
  if (!loaded.ok()) return loaded;
  return store;
}

absl::Status RocksDbJtiStore::LoadLocked() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  size_ = 0;
  for (it->Seek(ToSlice(kIdPrefix));
       it->Valid() && it->key().starts_with(ToSlice(kIdPrefix)); it->Next()) {
    ++size_;
  }
  next_expiry_ = absl::InfiniteFuture();
  it->Seek(ToSlice(kTimePrefix));
  if (it->Valid() && it->key().starts_with(ToSlice(kTimePrefix))) {
    next_expiry_ = DecodeTime(ToView(it->key()).substr(kTimePrefix.size()));
  }
  return FromRocksDbStatus(it->status(), "JWT replay store: reading");
}

absl::Status RocksDbJtiStore::PurgeLocked(absl::Time now) {
  if (now <= next_expiry_) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  size_t purged = 0;
  next_expiry_ = absl::InfiniteFuture();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(ToSlice(kTimePrefix));
       it->Valid() && it->key().starts_with(ToSlice(kTimePrefix)); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const absl::Time forget_after = DecodeTime(key.substr(kTimePrefix.size()));
    if (forget_after >= now) {
      next_expiry_ = forget_after;
      break;
    }
    batch.Delete(ToSlice(key));
    batch.Delete(
        ToSlice(absl::StrCat(kIdPrefix, key.substr(kTimePrefix.size() + 8))));
    ++purged;
  }
  if (!it->status().ok()) {
    return FromRocksDbStatus(it->status(), "JWT replay store: purging");
  }
  if (purged == 0) return absl::OkStatus();
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  rocksdb::Status status = db_->Write(write_options, &batch);
  if (!status.ok()) {
    return FromRocksDbStatus(status, "JWT replay store: purging");
  }
  size_ = purged > size_ ? 0 : size_ - purged;
  return absl::OkStatus();
}

absl::Status RocksDbJtiStore::Record(absl::string_view id,
                                     absl::Time forget_after, absl::Time now) {
  absl::MutexLock lock(&mutex_);
  absl::Status purged = PurgeLocked(now);
  if (!purged.ok()) return purged;
  const std::string id_key = absl::StrCat(kIdPrefix, id);
  std::string value;
  rocksdb::Status found =
      db_->Get(rocksdb::ReadOptions(), ToSlice(id_key), &value);
  if (found.ok()) {
    return absl::AlreadyExistsError("the jti was already used");
  }
  if (!found.IsNotFound()) {
    return FromRocksDbStatus(found, "JWT replay store: reading");
  }
  if (size_ >= options_.max_entries) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the replay store holds its maximum of ",
                     options_.max_entries, " live jti"));
  }
  const std::string time = EncodeTime(forget_after);
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(id_key), ToSlice(time));
  batch.Put(ToSlice(absl::StrCat(kTimePrefix, time, id)), rocksdb::Slice());
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  rocksdb::Status status = db_->Write(write_options, &batch);
  if (!status.ok()) {
    return FromRocksDbStatus(status, "JWT replay store: writing");
  }
  ++size_;
  next_expiry_ = std::min(next_expiry_, DecodeTime(time));
  return absl::OkStatus();
}

size_t RocksDbJtiStore::Size() const {
  absl::MutexLock lock(&mutex_);
  return size_;
}

}  // namespace dystonia::auth
