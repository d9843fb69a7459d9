#pragma once
// One headscope-cli subcommand: it declares its options, then runs with the parsed values,
// prints a human summary on stderr and adds its results to the JSON document.
#include "cli_options.h"
#include "json_output.h"

namespace CLI {
class App;
class Option;
}

namespace headscope::cli {

class ProgressReporter;

class Command
{
public:
    virtual ~Command() = default;

    /// Adds the subcommand and its options to app; returns the subcommand.
    virtual CLI::App* setup(CLI::App& app) = 0;
    /// Runs after a successful parse. Errors are thrown (CliError, core::ErrorException).
    virtual void run(Json& doc, ProgressReporter& progress) = 0;
    /// Whether the subcommand loads a model (and so takes --device, --threads, ...).
    virtual bool usesModel() const { return true; }

    const CommonOptions& common() const { return m_common; }

protected:
    CommonOptions m_common;
};

} // namespace headscope::cli
