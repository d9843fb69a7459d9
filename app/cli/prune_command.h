#pragma once
// headscope-cli prune --model DIR --mask MASK --out DIR: writes a structurally pruned HF model.
#include "command.h"

#include <string>

namespace headscope::cli {

class PruneCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_maskPath;
    std::string m_outDir;
    std::string m_verifyData;
    DataOptions m_data;
    TranslationOptions m_translation;
};

} // namespace headscope::cli
