#pragma once
// headscope-cli mask --in FILE --out FILE --to FORMAT: converts mask files between formats.
#include "command.h"

#include <string>

namespace headscope::cli {

class MaskCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;
    bool usesModel() const override { return false; }

private:
    std::string m_in;
    std::string m_out;
    std::string m_to;
    std::string m_from;
    std::string m_modelDir;
    int m_layers = 0;
    int m_heads = 0;
};

} // namespace headscope::cli
