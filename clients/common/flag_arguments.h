#ifndef DYSTONIA_CLIENTS_COMMON_FLAG_ARGUMENTS_H_
#define DYSTONIA_CLIENTS_COMMON_FLAG_ARGUMENTS_H_

// Checks a command line against the Abseil flags a program defines, before
// absl::ParseCommandLine sees it. Debian 12's Abseil (20220623) exits 1 on an
// unknown flag or a bad value, and 1 can mean something else to a caller
// (dystonia-audit: rows rejected); a command line that passes this check
// cannot make ParseCommandLine fail, so the program keeps its own usage
// status. Public Abseil API only (absl/flags/reflection.h,
// absl/flags/commandlineflag.h).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dystonia {

// Checks argv[1..argc) the way ParseCommandLine reads it: "--name=value",
// "--name value" (not for booleans), "--name" and "--noname" for booleans,
// one or two leading dashes, "--" ends the flags. Every flag must be defined
// and its value must parse (the flag is left holding it). Returns
// kInvalidArgument naming the flag: unknown, missing its value, a value that
// does not parse (with Abseil's reason), or --flagfile / --fromenv /
// --tryfromenv (they read flags this check cannot see). Help flags pass; see
// WantsHelp.
absl::Status CheckFlagArguments(int argc, char** argv);

// True when the command line asks for help: -h or any --help* flag
// (--help, --helpfull, --helpon=...; before a "--").
bool WantsHelp(int argc, char** argv);

// "  --name (default: value)" and an indented line of its help, for every flag
// defined in a file whose name ends with `file_suffix`, sorted by name: what
// --help lists.
std::string FlagsHelp(absl::string_view file_suffix);

}  // namespace dystonia

#endif  // DYSTONIA_CLIENTS_COMMON_FLAG_ARGUMENTS_H_
