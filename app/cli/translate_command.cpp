#include "translate_command.h"

#include "cli_error.h"
#include "translation_runs.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

namespace headscope::cli {

namespace {

void writeLines(const std::vector<std::string>& lines, const std::string& path)
{
    std::FILE* out = path.empty() ? stdout : std::fopen(path.c_str(), "wb");
    if (!out) throw CliError(ExitRuntime, path + ": cannot write the hypotheses (" + std::strerror(errno) + ")");
    for (const auto& line : lines) {
        std::fwrite(line.data(), 1, line.size(), out);
        std::fputc('\n', out);
    }
    const bool failed = std::ferror(out) != 0;
    if (out != stdout) std::fclose(out);
    else std::fflush(out);
    if (failed) throw CliError(ExitRuntime, (path.empty() ? "stdout" : path) + ": writing the hypotheses failed");
}

} // namespace

CLI::App* TranslateCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand("translate", "Translate a file with a translation model (optionally with "
                                                    "heads masked); with --ref, its BLEU and chrF");
    sub->add_option("--model", m_modelDir, "Hugging Face MarianMT folder")->required()->type_name("DIR");
    sub->add_option("--mask", m_maskPath, "Mask file (json or descriptor for all three types; hf, csv, npy: "
                                          "encoder self-attention)")
        ->type_name("MASK");
    sub->add_option("--out", m_outPath, "Write the hypotheses here, one per line (default: stdout)")
        ->type_name("FILE");
    sub->add_option("--limit", m_limit, "Translate only the first N lines (0 = all)")
        ->check(CLI::Range(int64_t(0), std::numeric_limits<int64_t>::max()))
        ->capture_default_str();
    addTranslationOptions(*sub, m_translation, "reference translations: BLEU and chrF of the hypotheses");
    sub->get_option("--src")->required();
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void TranslateCommand::run(Json& doc, ProgressReporter& progress)
{
    if (m_outPath.empty() && m_common.jsonPath == "-")
        throw badArgument("--json - and the hypotheses would both go to stdout: give --out FILE");
    TranslationRunInputs in{m_modelDir, m_translation, m_maskPath, m_limit, m_common};
    runTranslationEval(doc, progress, in, false);
    writeLines(doc.at("results").at("translation").at("hypotheses").get<std::vector<std::string>>(), m_outPath);
    if (!m_outPath.empty()) doc["out"] = m_outPath;
}

} // namespace headscope::cli
