#pragma once
// headscope-cli ablate: single-head ablation or keep-one-head per layer (paper sections 3.2, 3.3).
#include "command.h"

#include <string>
#include <vector>

namespace headscope::cli {

class AblateCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_dataPath;
    std::string m_maskPath;
    std::string m_mode = "single";
    bool m_significance = false;
    double m_alpha = 0.01;
    bool m_naive = false;
    DataOptions m_data;
    TranslationOptions m_translation;
    std::vector<std::string> m_types;
    int64_t m_subset = 0;
    bool m_subsetRandom = false;
};

} // namespace headscope::cli
