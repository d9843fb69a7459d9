#pragma once
// headscope-cli eval --model DIR --data FILE [--mask MASK]: accuracy, logits and latency;
// for translation models --src FILE --ref FILE: BLEU, chrF, speed and the paired bootstrap.
// --stream writes one JSON line per batch to stdout (with a mask, after a baseline run, the
// paired change and its interval); --sample N and --stop-width PTS end early on purpose.
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
    bool m_stream = false;
    int64_t m_sample = 0;
    double m_stopWidthPoints = 0.0;
    uint64_t m_orderSeed = 0;
    DataOptions m_data;
    TranslationOptions m_translation;
};

} // namespace headscope::cli
