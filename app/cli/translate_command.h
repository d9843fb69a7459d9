#pragma once
// headscope-cli translate --model DIR --src FILE [--ref FILE] [--mask MASK] [--beam N]
// [--max-length N] [--out FILE]: one hypothesis per line; with --ref, BLEU and chrF too.
#include "command.h"

#include <string>

namespace headscope::cli {

class TranslateCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_maskPath;
    std::string m_outPath;
    int64_t m_limit = 0;
    TranslationOptions m_translation;
};

} // namespace headscope::cli
