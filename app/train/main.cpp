// headscope-train: generates HeadScope's demo data sets and trains its demo models
// (docs/demo.md). Exit codes: 0 ok, 1 runtime error, 2 bad arguments, 3 bad input file.
#include "classify_command.h"
#include "demo_command.h"
#include "generate_command.h"
#include "translation_demo_command.h"

#include "util/error.h"
#include "util/process_setup.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

using namespace headscope;

int main(int argc, char** argv)
{
    core::ensurePassiveOpenMpWait(argc, argv);
    CLI::App app{"HeadScope's trainer: generates the demo data sets and trains the demo models (docs/demo.md).",
                 "headscope-train"};
    app.set_version_flag("--version", std::string("headscope-train ") + HEADSCOPE_VERSION);
    app.require_subcommand(1);

    // The command line as typed, recorded in the demo's manifest.
    std::string commandLine = "headscope-train";
    for (int i = 1; i < argc; ++i)
        commandLine += std::string(" ") + argv[i];

    train::GenerateOptions generate;
    auto* generateCmd = app.add_subcommand("generate", "write the demo data sets (and the bag-of-words baseline)");
    train::addGenerateOptions(*generateCmd, generate);
    train::ClassifyOptions classify;
    auto* classifyCmd = app.add_subcommand("classify", "train a BERT-layout sequence classifier");
    train::addClassifyOptions(*classifyCmd, classify);
    train::DemoOptions demo;
    auto* demoCmd = app.add_subcommand("demo", "regenerate the shipped classification demo (data, model, checkpoints, manifest)");
    train::addDemoOptions(*demoCmd, demo, commandLine);
    train::TranslationDemoOptions translationDemo;
    auto* translationDemoCmd = app.add_subcommand(
        "translation-demo", "regenerate the shipped translation demo (corpus, SentencePiece models, Marian model, checkpoints)");
    train::addTranslationDemoOptions(*translationDemoCmd, translationDemo);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        if (generateCmd->parsed())
            train::runGenerate(generate);
        else if (classifyCmd->parsed())
            train::runClassify(classify);
        else if (demoCmd->parsed())
            train::runDemo(demo, commandLine);
        else if (translationDemoCmd->parsed())
            train::runTranslationDemo(translationDemo, commandLine);
        return 0;
    } catch (const core::ErrorException& e) {
        std::fprintf(stderr, "headscope-train: error: %s\n", e.error().toString().c_str());
        const auto code = e.error().code;
        return code == core::ErrorCode::InvalidArgument ? 2 : e.error().isInputError() ? 3 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "headscope-train: error: %s\n", e.what());
        return 1;
    }
}
