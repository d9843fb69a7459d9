#pragma once
// headscope-cli bench: latency of the original, masked and pruned model (paper Table 4).
#include "command.h"

#include <string>
#include <vector>

namespace headscope::cli {

class BenchCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    std::string m_maskPath;
    std::vector<int> m_batchSizes{1, 4, 16, 64};
    std::vector<int> m_seqLengths{128};
    int m_warmup = 2;
    int m_runs = 10;
    TranslationOptions m_translation;
    int64_t m_limit = 0;
    CLI::Option* m_batchSizesOption = nullptr;
    CLI::Option* m_warmupOption = nullptr;
    CLI::Option* m_runsOption = nullptr;
};

} // namespace headscope::cli
