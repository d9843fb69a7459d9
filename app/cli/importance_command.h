#pragma once
// headscope-cli importance: head importance scores (paper section 4.1).
#include "command.h"

#include <string>

namespace headscope::cli {

class ImportanceCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_checkpointsDir;
    std::string m_dataPath;
    std::string m_maskPath;
    std::string m_method = "mask-gradient";
    std::string m_normalize = "layer";
    DataOptions m_data;
    TranslationOptions m_translation;
};

} // namespace headscope::cli
