#pragma once
// headscope-cli info --model DIR: what HeadScope sees in a model folder (a classifier or a
// translation model), and how fast it runs here.
#include "command.h"

#include <string>

namespace headscope::cli {

class InfoCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;

private:
    void describeClassifier(Json& doc) const;
    static void addSpeedCheck(Json& doc);

    std::string m_modelDir;
    bool m_noSpeedCheck = false;
};

} // namespace headscope::cli
