#ifndef DYSTONIA_TESTS_TESTING_SERVER_PROCESS_H_
#define DYSTONIA_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace dystonia::testing {

// The dystonia-server binary of this build.
std::string ServerBinary();

// A file's contents ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// Runs a shell command line; returns its stdout and stderr, and sets
// `exit_code` (-1 when it did not exit normally).
std::string RunCommand(const std::string& command, int* exit_code);

// A dystonia-server child process: fork + execv, stderr to a file.
class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();

  // Starts the binary and waits for "serving on port N" on its stderr.
  // Returns false (with a gtest failure naming the log) when it exits or
  // does not come up within 20 s.
  bool Start(const std::vector<std::string>& args, const std::string& log_path);

  // SIGKILL and reap.
  void Kill();

  // SIGTERM; true when the process exits within `seconds` (and is reaped),
  // false when it is still running then (it is killed).
  bool Terminate(int seconds);

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // The HTTP port from "CDS Hooks on http port N" on its stderr (printed
  // just after the gRPC port); 0 when absent within 5 s.
  int HttpPort() const;

  // The process's peak resident memory in kB (VmHWM), or -1.
  long PeakResidentKb() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_SERVER_PROCESS_H_
