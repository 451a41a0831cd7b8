#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "gtest/gtest.h"

namespace dystonia::testing {

std::string ServerBinary() {
  return std::string(DYSTONIA_BINARY_DIR) + "/service/server/dystonia-server";
}

std::string RunCommand(const std::string& command, int* exit_code) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, read);
  }
  const int status = pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

bool ServerProcess::Start(const std::vector<std::string>& args,
                          const std::string& log_path) {
  log_path_ = log_path;
  std::vector<std::string> argv_strings = {ServerBinary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return false;
  }
  if (pid == 0) {
    // Dies with the test, even one a sanitizer stops.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
      close(fd);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  constexpr char kServing[] = "dystonia-server: serving on port ";
  while (std::chrono::steady_clock::now() < give_up) {
    const std::string log = ReadFile(log_path);
    const size_t at = log.find(kServing);
    if (at != std::string::npos) {
      const size_t end = log.find(',', at);
      if (end != std::string::npos) {
        port_ = std::atoi(
            log.substr(at + sizeof(kServing) - 1, end - at).c_str());
        if (port_ > 0) return true;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "dystonia-server exited at start (status " << status
                    << "); the database did not open cleanly. Log:\n"
                    << ReadFile(log_path);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "dystonia-server did not report its port within 20 s. "
                   "Log:\n"
                << ReadFile(log_path);
  Kill();
  return false;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace dystonia::testing

namespace dystonia::testing {

bool ServerProcess::Terminate(int seconds) {
  if (pid_ <= 0) return true;
  kill(pid_, SIGTERM);
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return false;
}

int ServerProcess::HttpPort() const {
  constexpr char kHttp[] = "CDS Hooks on http port ";
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < give_up) {
    const std::string log = ReadFile(log_path_);
    const size_t at = log.find(kHttp);
    if (at != std::string::npos && log.find('\n', at) != std::string::npos) {
      return std::atoi(log.c_str() + at + sizeof(kHttp) - 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

long ServerProcess::PeakResidentKb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace dystonia::testing
