// headscope-cli: the analyses of Michel, Levy & Neubig (2019) from the command line, with JSON
// output (docs/cli.md). Exit codes: 0 ok, 1 runtime error, 2 bad arguments, 3 bad input file,
// 130 interrupted.
#include "ablate_command.h"
#include "bench_command.h"
#include "bleu_command.h"
#include "cli_error.h"
#include "compare_command.h"
#include "eval_command.h"
#include "importance_command.h"
#include "info_command.h"
#include "interrupt.h"
#include "attention_command.h"
#include "mask_command.h"
#include "progress_reporter.h"
#include "prune_command.h"
#include "prune_curve_command.h"
#include "translate_command.h"
#include "report/result_json.h"
#include "session_append.h"
#include "util/logging.h"
#include "util/process_setup.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <set>
#include <unistd.h>
#include <vector>

using namespace headscope;
using namespace headscope::cli;

namespace {

const std::set<std::string> kSessionCommands{"eval", "importance", "ablate", "prune-curve", "bench", "compare", "attention"};

int runCommand(Command& command, const std::string& name, const std::string& sessionPath)
{
    try {
        if (command.usesModel()) validateModelOptions(command.common());
        core::initLogging({}, command.common().logLevel);
        installInterruptHandler();

        const bool terminal = isatty(STDERR_FILENO) != 0;
        ProgressReporter progress(terminal || command.common().progress, terminal);
        Json doc = core::report::envelope(name);
        command.run(doc, progress);
        progress.finishLine();
        if (!command.common().jsonPath.empty()) writeJsonOutput(doc, command.common().jsonPath);
        if (!sessionPath.empty()) appendToSession(sessionPath, doc);
        return ExitOk;
    } catch (const core::ErrorException& e) {
        const int code = exitCodeFor(e.error());
        if (code == ExitInterrupted)
            std::fprintf(stderr, "\ninterrupted\n");
        else
            std::fprintf(stderr, "headscope-cli %s: error: %s\n", name.c_str(), e.error().toString().c_str());
        return code;
    } catch (const CliError& e) {
        std::fprintf(stderr, "headscope-cli %s: error: %s\n", name.c_str(), e.what());
        return e.exitCode();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "headscope-cli %s: error: %s\n", name.c_str(), e.what());
        return ExitRuntime;
    }
}

} // namespace

int main(int argc, char** argv)
{
    headscope::core::ensurePassiveOpenMpWait(argc, argv);
    CLI::App app{"HeadScope: which attention heads of a transformer matter (Michel, Levy & Neubig, 2019).\n"
                 "Results go to stderr as text and, with --json FILE, to one JSON object (docs/cli.md).",
                 "headscope-cli"};
    app.set_version_flag("--version", std::string("headscope-cli ") + HEADSCOPE_VERSION);
    app.require_subcommand(1);

    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(std::make_unique<InfoCommand>());
    commands.push_back(std::make_unique<EvalCommand>());
    commands.push_back(std::make_unique<ImportanceCommand>());
    commands.push_back(std::make_unique<AblateCommand>());
    commands.push_back(std::make_unique<PruneCurveCommand>());
    commands.push_back(std::make_unique<PruneCommand>());
    commands.push_back(std::make_unique<BenchCommand>());
    commands.push_back(std::make_unique<CompareCommand>());
    commands.push_back(std::make_unique<MaskCommand>());
    commands.push_back(std::make_unique<AttentionCommand>());
    commands.push_back(std::make_unique<BleuCommand>());
    commands.push_back(std::make_unique<TranslateCommand>());

    std::vector<CLI::App*> subcommands;
    for (auto& command : commands)
        subcommands.push_back(command->setup(app));
    // The analyses can add their results to a session file the GUI opens.
    std::string sessionPath;
    for (CLI::App* sub : subcommands)
        if (kSessionCommands.count(sub->get_name()))
            sub->add_option("--session", sessionPath,
                            "Also add the results to this HeadScope session file (created if absent; File > Open "
                            "Session in the GUI)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit with 0; every real parse error with 2.
        return app.exit(e) == 0 ? ExitOk : ExitBadArguments;
    }

    for (size_t i = 0; i < commands.size(); ++i) {
        if (subcommands[i]->parsed()) return runCommand(*commands[i], subcommands[i]->get_name(), sessionPath);
    }
    return ExitBadArguments; // unreachable: require_subcommand(1)
}
