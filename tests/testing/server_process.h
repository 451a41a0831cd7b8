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

  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_SERVER_PROCESS_H_
