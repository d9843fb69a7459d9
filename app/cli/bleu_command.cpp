#include "bleu_command.h"

#include "cli_error.h"
#include "report/result_json.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace headscope::cli {

CLI::App* BleuCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand("bleu", "Corpus BLEU of a hypothesis file, identical to sacreBLEU's");
    sub->add_option("--hyp", m_hyp, "Hypotheses, one UTF-8 line per segment")->required()->type_name("FILE");
    sub->add_option("--ref", m_refs, "References (repeat for several)")->required()->type_name("FILE");
    sub->add_option("--tokenize", m_tokenize, "13a (default), intl, char or none")
        ->check(CLI::IsMember({"13a", "intl", "char", "none"}))
        ->capture_default_str();
    sub->add_flag("--lowercase", m_lowercase, "Lowercase hypotheses and references");
    sub->add_option("--smooth", m_smooth, "exp, floor, add-k or none")
        ->check(CLI::IsMember({"exp", "floor", "add-k", "none"}))
        ->capture_default_str();
    sub->add_option("--smooth-value", m_smoothValue, "Value of floor (0.1) or add-k (1) smoothing")
        ->check(CLI::Range(0.0, 1e9));
    addOutputOptions(*sub, m_common);
    return sub;
}

void BleuCommand::run(Json& doc, ProgressReporter&)
{
    core::BleuParams params;
    const auto tokenizer = core::parseBleuTokenizer(m_tokenize);
    const auto smoothing = core::parseBleuSmoothing(m_smooth);
    if (!tokenizer) throw badArgument("--tokenize: unknown tokenizer \"" + m_tokenize + "\"");
    if (!smoothing) throw badArgument("--smooth: unknown smoothing \"" + m_smooth + "\"");
    params.tokenizer = *tokenizer;
    params.smoothing = *smoothing;
    params.lowercase = m_lowercase;
    if (m_smoothValue >= 0.0) params.smoothValue = m_smoothValue;

    const core::BleuResult r =
        unwrap(core::bleuFromFiles(m_hyp, m_refs, params, core::report::headscopeVersion()));
    doc["hyp"] = m_hyp;
    doc["refs"] = m_refs;
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r, params);

    const auto& s = r.corpus;
    std::fprintf(stderr, "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %lld ref_len = %lld)\n",
                 s.score, s.precisions[0], s.precisions[1], s.precisions[2], s.precisions[3], s.bp, s.ratio,
                 static_cast<long long>(s.sysLen), static_cast<long long>(s.refLen));
    std::fprintf(stderr, "%s\n", r.signature.c_str());
}

} // namespace headscope::cli
