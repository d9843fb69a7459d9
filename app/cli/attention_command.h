#pragma once
// headscope-cli attention: attention entropy per head, and one head's attention matrix for one
// example with the prediction with and without that head (the GUI's Attention view).
#include "command.h"

#include <string>

namespace headscope::cli {

class AttentionCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_dataPath;
    std::string m_maskPath;
    long m_example = -1; // -1: entropy only
    int m_layer = 0;
    int m_head = 0;
    DataOptions m_data;
};

} // namespace headscope::cli
