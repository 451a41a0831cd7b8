#include "clients/common/flag_arguments.h"

#include <algorithm>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dystonia {
namespace {

bool IsHelpFlag(absl::string_view name) {
  // --help, --helpfull, --helpshort, --helpon=..., --helpmatch=...: Abseil
  // would print and exit 1.
  return name == "h" || absl::StartsWith(name, "help");
}

// "name" of "-name", "--name" or "--name=value"; empty for "-" or "--".
absl::string_view FlagName(absl::string_view arg) {
  absl::ConsumePrefix(&arg, "-");
  absl::ConsumePrefix(&arg, "-");
  return arg.substr(0, arg.find('='));
}

}  // namespace

absl::Status CheckFlagArguments(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;  // a positional argument
    const absl::string_view name = FlagName(arg);
    if (IsHelpFlag(name)) continue;
    if (name == "flagfile" || name == "fromenv" || name == "tryfromenv") {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " is not supported; give the flags"));
    }
    const size_t equals = arg.find('=');
    const bool has_value = equals != absl::string_view::npos;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      // "--noquiet" clears the boolean --quiet.
      absl::CommandLineFlag* negated =
          absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>() && !has_value) {
        continue;
      }
    }
    if (flag == nullptr || flag->IsRetired()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    std::string value;
    if (has_value) {
      value = std::string(arg.substr(equals + 1));
    } else if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value"));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", error));
    }
  }
  return absl::OkStatus();
}

bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg.size() >= 2 && arg[0] == '-' && IsHelpFlag(FlagName(arg))) {
      return true;
    }
  }
  return false;
}

std::string FlagsHelp(absl::string_view file_suffix) {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::EndsWith(flag->Filename(), file_suffix)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string help;
  for (const absl::CommandLineFlag* flag : flags) {
    const std::string default_value = flag->DefaultValue();
    absl::StrAppend(&help, "  --", flag->Name(), " (default: ",
                    default_value.empty() ? "none" : default_value, ")\n      ",
                    flag->Help(), "\n");
  }
  return help;
}

}  // namespace dystonia
