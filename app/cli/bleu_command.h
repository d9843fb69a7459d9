#pragma once
// headscope-cli bleu --hyp FILE --ref FILE [--ref FILE ...]: corpus BLEU as the sacrebleu
// command computes it (tokenizers 13a, intl, char, none; smoothing; several references).
#include "command.h"

#include <string>
#include <vector>

namespace headscope::cli {

class BleuCommand : public Command
{
public:
    CLI::App* setup(CLI::App& app) override;
    void run(Json& doc, ProgressReporter& progress) override;
    bool usesModel() const override { return false; }

private:
    std::string m_hyp;
    std::vector<std::string> m_refs;
    std::string m_tokenize = "13a";
    bool m_lowercase = false;
    std::string m_smooth = "exp";
    double m_smoothValue = -1.0; // < 0: the method's default
};

} // namespace headscope::cli
