#pragma once
// headscope-cli info --model DIR: what HeadScope sees in a model folder, and how fast it runs here.
#include "command.h"

#include <string>

namespace headscope::cli {

class InfoCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    std::string m_modelDir;
    bool m_noSpeedCheck = false;
};

} // namespace headscope::cli
