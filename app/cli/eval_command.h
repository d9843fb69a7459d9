#pragma once
// headscope-cli eval --model DIR --data FILE [--mask MASK]: accuracy, logits and latency.
#include "command.h"

#include <string>

namespace headscope::cli {

class EvalCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_dataPath;
    std::string m_maskPath;
    bool m_compareFp32 = false;
    DataOptions m_data;
};

} // namespace headscope::cli
