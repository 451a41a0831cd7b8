// ThreadSanitizer builds only: tells TSan that gRPC orders a reactor's
// Start*/Finish call before the On* callback it leads to. gRPC does so in its
// core, which Debian does not build with TSan, so TSan would take the
// reactor's state, written before the call and read in the callback on
// another thread, for a race. Compiles to nothing in other builds.
#ifndef DYSTONIA_SERVICE_SERVER_TSAN_HANDOFF_H_
#define DYSTONIA_SERVICE_SERVER_TSAN_HANDOFF_H_

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DYSTONIA_TSAN_BUILD 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define DYSTONIA_TSAN_BUILD 1
#endif

#ifdef DYSTONIA_TSAN_BUILD
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace dystonia {

// Call just before a StartRead, StartWrite or Finish; `key` names the
// operation (its buffer, or the reactor for Finish).
inline void HandToGrpc(const void* key) {
#ifdef DYSTONIA_TSAN_BUILD
  __tsan_release(const_cast<void*>(key));
#else
  (void)key;
#endif
}

// Call first thing in the callback the operation `key` leads to.
inline void BackFromGrpc(const void* key) {
#ifdef DYSTONIA_TSAN_BUILD
  __tsan_acquire(const_cast<void*>(key));
#else
  (void)key;
#endif
}

// For the body of an On* callback: ordered after the Start* call that led
// to it (`started_by`, the key that call was handed over with) and, through
// `reactor`, before the reactor's OnDone (which calls BackFromGrpc(reactor)).
class GrpcCallbackScope {
 public:
  GrpcCallbackScope(const void* started_by, const void* reactor)
      : reactor_(reactor) {
    BackFromGrpc(started_by);
  }
  ~GrpcCallbackScope() { HandToGrpc(reactor_); }
  GrpcCallbackScope(const GrpcCallbackScope&) = delete;
  GrpcCallbackScope& operator=(const GrpcCallbackScope&) = delete;

 private:
  const void* reactor_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_TSAN_HANDOFF_H_
