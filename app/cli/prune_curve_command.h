#pragma once
// headscope-cli prune-curve: accuracy as heads are pruned in steps (paper section 4.2).
#include "command.h"

#include <string>
#include <vector>

namespace headscope::cli {

class PruneCurveCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_checkpointsDir;
    std::string m_dataPath;
    std::vector<std::string> m_orders{"importance"};
    double m_stepPercent = 10.0;
    bool m_rescore = false;
    int m_minHeadsPerLayer = 0;
    std::string m_method = "mask-gradient";
    std::string m_normalize = "layer";
    std::string m_exportMask;
    std::string m_exportFormat;
    double m_exportStep = -1.0;
    DataOptions m_data;
    TranslationOptions m_translation;
    std::vector<std::string> m_curves;
};

} // namespace headscope::cli
