#pragma once
// headscope-cli compare: the same analyses on two datasets and their per-head correlation
// (paper section 3.4, e.g. MNLI matched vs mismatched).
#include "command.h"

#include <string>

namespace headscope::cli {

class CompareCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_dataPath;
    std::string m_data2Path;
    std::string m_what = "both";
    std::string m_method = "mask-gradient";
    std::string m_normalize = "layer";
    DataOptions m_data;
    TranslationOptions m_translation;
    TranslationOptions m_translation2; // --src2, --ref2
};

} // namespace headscope::cli
