// Greedy and beam-search decoding with HF generate() semantics, batched, with a decoder
// key/value cache and cross-attention keys/values computed once per batch.
#include "model/detail/seq2seq_forward.h"
#include "model/seq2seq_inference.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace headscope::core {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct DecodeSettings
{
    int beamSize = 1;
    double lengthPenalty = 1.0;
    int maxLength = 20;
    int64_t start = 0, eos = 0, pad = 0, forcedEos = -1;
    torch::Tensor bannedIds; // single-token bad_words_ids on the device (undefined: none)
    bool useCache = true;
    bool recordStepLogits = false;
    bool alwaysBeamSearch = false;
};

DecodeSettings resolveSettings(const Seq2SeqModel::Impl& m, const DecodeParams& p)
{
    const auto& g = m.config.generation;
    DecodeSettings s;
    s.beamSize = p.beamSize > 0 ? p.beamSize : g.numBeams;
    s.lengthPenalty = p.lengthPenalty.value_or(g.lengthPenalty);
    s.maxLength = p.maxLength > 0 ? p.maxLength : g.maxLength;
    // The decoder reads at most maxLength - 1 tokens, at positions 0 .. maxLength - 2.
    if (s.maxLength - 1 > m.config.maxPositionEmbeddings) {
        spdlog::warn("max length {} exceeds the model's {} positions; using {}", s.maxLength,
                     m.config.maxPositionEmbeddings, m.config.maxPositionEmbeddings + 1);
        s.maxLength = m.config.maxPositionEmbeddings + 1;
    }
    s.start = g.decoderStartTokenId;
    s.eos = g.eosTokenId;
    s.pad = g.padTokenId;
    s.forcedEos = g.forcedEosTokenId;
    std::vector<int64_t> banned;
    for (const auto& seq : g.badWordsIds)
        if (seq.size() == 1 && seq[0] >= 0 && seq[0] < m.config.decoderVocabSize)
            banned.push_back(seq[0]);
    if (!banned.empty())
        s.bannedIds = torch::tensor(banned, torch::kLong).to(m.device);
    s.useCache = p.useCache;
    s.recordStepLogits = p.recordStepLogits;
    s.alwaysBeamSearch = p.alwaysBeamSearch;
    return s;
}

// HF's logits processors on log-probabilities: bad words to -inf, and at the last step
// only </s> left (with log-probability 0), as ForcedEOSTokenLogitsProcessor does.
torch::Tensor processedLogProbs(const torch::Tensor& logits, const DecodeSettings& s, int curLen)
{
    auto logp = torch::log_softmax(logits, -1);
    if (s.bannedIds.defined())
        logp.index_fill_(1, s.bannedIds, kNegInf);
    if (s.forcedEos >= 0 && curLen == s.maxLength - 1) {
        logp.fill_(kNegInf);
        logp.select(1, s.forcedEos).fill_(0.0f);
    }
    return logp;
}

// One decoding step for the rows of `tokens` ([R, curLen] prefix, last column the newest).
torch::Tensor stepLogits(const Seq2SeqModel::Impl& m, const EncoderOutput& enc, const Seq2SeqMaskTensors& masks,
                         DecoderCache& cache, const torch::Tensor& prefix, const DecodeSettings& s)
{
    torch::Tensor h;
    if (s.useCache) {
        h = runDecoder(m, enc, prefix.narrow(1, prefix.size(1) - 1, 1), masks, &cache);
    } else {
        h = runDecoder(m, enc, prefix, masks, nullptr);
        h = h.narrow(1, h.size(1) - 1, 1);
    }
    return lmLogits(m, h.select(1, 0));
}

struct RowState
{
    torch::Tensor index; // rows to keep, on the device
    void apply(EncoderOutput& enc, Seq2SeqMaskTensors& masks, DecoderCache& cache, torch::Tensor& prefix) const
    {
        enc = enc.selectRows(index);
        masks = masks.selectRows(index);
        cache.selectRows(index);
        prefix = prefix.index_select(0, index);
    }
};

torch::Tensor indexTensor(const std::vector<int64_t>& rows, torch::Device device)
{
    return torch::tensor(rows, torch::kLong).to(device);
}

void greedyBatch(const Seq2SeqModel::Impl& m, EncoderOutput enc, Seq2SeqMaskTensors masks, const DecodeSettings& s,
                 std::vector<Translation>& out, const std::function<void(size_t)>& finished)
{
    const int64_t b = enc.hidden.size(0);
    out.assign(size_t(b), Translation{});
    std::vector<int64_t> alive(static_cast<size_t>(b));
    for (int64_t i = 0; i < b; ++i) {
        alive[size_t(i)] = i;
        out[size_t(i)].ids = {s.start};
    }
    auto prefix = torch::full({b, 1}, s.start, torch::TensorOptions().dtype(torch::kLong).device(m.device));
    DecoderCache cache;
    for (int curLen = 1; curLen < s.maxLength && !alive.empty(); ++curLen) {
        const auto logits = stepLogits(m, enc, masks, cache, prefix, s);
        const auto logp = processedLogProbs(logits, s, curLen);
        const auto next = logp.argmax(-1);
        const auto chosenCpu = logp.gather(1, next.unsqueeze(1)).squeeze(1).to(torch::kCPU, torch::kFloat64);
        const auto nextCpu = next.to(torch::kCPU);
        const auto chosen = chosenCpu.accessor<double, 1>();
        const auto nextA = nextCpu.accessor<int64_t, 1>();
        const torch::Tensor logitsCpu = s.recordStepLogits ? logits.to(torch::kCPU).contiguous() : torch::Tensor();
        std::vector<int64_t> keep, stillAlive;
        for (size_t r = 0; r < alive.size(); ++r) {
            auto& t = out[size_t(alive[r])];
            const int64_t token = nextA[int64_t(r)];
            t.ids.push_back(token);
            t.score += chosen[int64_t(r)];
            if (s.recordStepLogits) {
                const float* p = logitsCpu[int64_t(r)].data_ptr<float>();
                t.stepLogits.emplace_back(p, p + logitsCpu.size(1));
            }
            if (token == s.eos) {
                finished(size_t(alive[r]));
            } else {
                keep.push_back(int64_t(r));
                stillAlive.push_back(alive[r]);
            }
        }
        prefix = torch::cat({prefix, next.unsqueeze(1)}, 1);
        if (keep.size() != alive.size() && !keep.empty())
            RowState{indexTensor(keep, m.device)}.apply(enc, masks, cache, prefix);
        alive = std::move(stillAlive);
    }
    for (int64_t row : alive) // stopped by max length without </s>
        finished(size_t(row));
}

struct Hypothesis
{
    double score;
    std::vector<int64_t> ids;
    bool endedWithEos;
};

// The K best finished hypotheses of one sentence (HF's BeamHypotheses).
class Hypotheses
{
public:
    Hypotheses(int k, double lengthPenalty) : m_k(size_t(k)), m_lengthPenalty(lengthPenalty) {}

    // ids start with the decoder start token, which (as in transformers >= 4.35) does not
    // count in the length; an empty hypothesis scores -inf.
    void add(std::vector<int64_t> ids, double sumLogProbs, bool eos)
    {
        const double generated = double(ids.size() - 1);
        const double score = generated > 0 ? sumLogProbs / std::pow(generated, m_lengthPenalty)
                                           : -std::numeric_limits<double>::infinity();
        if (m_hyps.size() >= m_k && score <= worst())
            return;
        m_hyps.push_back({score, std::move(ids), eos});
        if (m_hyps.size() > m_k) {
            auto it = std::min_element(m_hyps.begin(), m_hyps.end(),
                                       [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; });
            m_hyps.erase(it);
        }
    }
    double worst() const
    {
        double w = std::numeric_limits<double>::infinity();
        for (const auto& h : m_hyps)
            w = std::min(w, h.score);
        return w;
    }
    // No running beam can beat the kept hypotheses any more (early_stopping=False heuristic).
    bool isDone(double bestRunning, int curLen) const
    {
        return m_hyps.size() >= m_k && worst() >= bestRunning / std::pow(double(curLen - 1), m_lengthPenalty);
    }
    const Hypothesis& best() const
    {
        return *std::max_element(m_hyps.begin(), m_hyps.end(),
                                 [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; });
    }

private:
    size_t m_k;
    double m_lengthPenalty;
    std::vector<Hypothesis> m_hyps;
};

void beamBatch(const Seq2SeqModel::Impl& m, EncoderOutput encIn, Seq2SeqMaskTensors masksIn, const DecodeSettings& s,
               std::vector<Translation>& out, const std::function<void(size_t)>& finished)
{
    const int64_t b = encIn.hidden.size(0);
    const int64_t k = s.beamSize;
    out.assign(size_t(b), Translation{});
    const auto expand = indexTensor([&] {
        std::vector<int64_t> r;
        for (int64_t i = 0; i < b; ++i)
            for (int64_t j = 0; j < k; ++j)
                r.push_back(i);
        return r;
    }(), m.device);
    EncoderOutput enc = encIn.selectRows(expand);
    Seq2SeqMaskTensors masks = masksIn.selectRows(expand);
    std::vector<Hypotheses> hyps(size_t(b), Hypotheses(int(k), s.lengthPenalty));
    std::vector<int64_t> alive(static_cast<size_t>(b)); // sentences still searched, row block i*K..
    for (int64_t i = 0; i < b; ++i)
        alive[size_t(i)] = i;
    std::vector<std::vector<int64_t>> seqs(size_t(b * k), std::vector<int64_t>{s.start});
    std::vector<double> beamScores(size_t(b * k), -1e9);
    for (int64_t i = 0; i < b; ++i)
        beamScores[size_t(i * k)] = 0.0; // only the first beam expands at the first step
    auto prefix = torch::full({b * k, 1}, s.start, torch::TensorOptions().dtype(torch::kLong).device(m.device));
    DecoderCache cache;
    int curLen = 1;
    for (; curLen < s.maxLength && !alive.empty(); ++curLen) {
        const auto logits = stepLogits(m, enc, masks, cache, prefix, s);
        auto logp = processedLogProbs(logits, s, curLen).to(torch::kFloat64);
        const int64_t v = logp.size(1);
        logp = logp + torch::tensor(beamScores, torch::kFloat64).to(logp.device()).unsqueeze(1);
        const auto top = logp.view({int64_t(alive.size()), k * v}).topk(std::min<int64_t>(2 * k, k * v), 1);
        const auto valuesCpu = std::get<0>(top).to(torch::kCPU).contiguous();
        const auto indicesCpu = std::get<1>(top).to(torch::kCPU).contiguous();
        const auto values = valuesCpu.accessor<double, 2>();
        const auto indices = indicesCpu.accessor<int64_t, 2>();
        std::vector<int64_t> keepRows, nextTokens, stillAlive;
        std::vector<std::vector<int64_t>> nextSeqs;
        std::vector<double> nextScores;
        for (size_t i = 0; i < alive.size(); ++i) {
            const int64_t sentence = alive[i];
            std::vector<int64_t> rows, tokens;
            std::vector<double> scores;
            for (int64_t j = 0; j < values.size(1) && int64_t(rows.size()) < k; ++j) {
                const double score = values[int64_t(i)][j];
                const int64_t idx = indices[int64_t(i)][j];
                const int64_t row = int64_t(i) * k + idx / v;
                const int64_t token = idx % v;
                if (token == s.eos) {
                    if (j < k)
                        hyps[size_t(sentence)].add(seqs[size_t(row)], score, true);
                    continue;
                }
                rows.push_back(row);
                tokens.push_back(token);
                scores.push_back(score);
            }
            if (hyps[size_t(sentence)].isDone(values[int64_t(i)][0], curLen) || rows.empty()) {
                finished(size_t(sentence));
                continue;
            }
            stillAlive.push_back(sentence);
            for (size_t r = 0; r < rows.size(); ++r) {
                keepRows.push_back(rows[r]);
                auto seq = seqs[size_t(rows[r])];
                seq.push_back(tokens[r]);
                nextSeqs.push_back(std::move(seq));
                nextTokens.push_back(tokens[r]);
                nextScores.push_back(scores[r]);
            }
        }
        alive = std::move(stillAlive);
        if (alive.empty())
            break;
        const auto index = indexTensor(keepRows, m.device);
        RowState{index}.apply(enc, masks, cache, prefix);
        prefix = torch::cat({prefix, indexTensor(nextTokens, m.device).unsqueeze(1)}, 1);
        seqs = std::move(nextSeqs);
        beamScores = std::move(nextScores);
    }
    // Max length reached: the running beams become hypotheses too (HF's finalize).
    for (size_t i = 0; i < alive.size(); ++i) {
        for (int64_t j = 0; j < k; ++j)
            hyps[size_t(alive[i])].add(seqs[size_t(int64_t(i) * k + j)], beamScores[size_t(int64_t(i) * k + j)], false);
        finished(size_t(alive[i]));
    }
    for (int64_t i = 0; i < b; ++i) {
        const auto& best = hyps[size_t(i)].best();
        auto& t = out[size_t(i)];
        t.ids = best.ids;
        if (int(t.ids.size()) < s.maxLength)
            t.ids.push_back(s.eos); // as generate(): </s> closes every hypothesis shorter than max length
        t.score = best.score;
    }
}

} // namespace

Result<std::vector<Translation>> decode(const Seq2SeqModel& model, const EncodedSources& sources,
                                        const DecodeParams& params, const Progress& progress,
                                        const TranslationCallback& onTranslation)
{
    return captureResult([&]() -> std::vector<Translation> {
        const auto& m = model.impl();
        if (!sources.valid() || sources.impl().model != &m)
            fail(ErrorCode::InvalidArgument, "the encoded sources were not made by this model");
        const size_t n = sources.size();
        if (!params.perExampleMasks.empty() && params.perExampleMasks.size() != n)
            fail(ErrorCode::InvalidArgument, "per-example masks: " + std::to_string(params.perExampleMasks.size()) +
                                                 " given for " + std::to_string(n) + " sources");
        torch::NoGradGuard noGrad;
        const DecodeSettings s = resolveSettings(m, params);
        const bool beam = s.beamSize > 1 || s.alwaysBeamSearch;
        if (beam && s.recordStepLogits)
            fail(ErrorCode::InvalidArgument, "step logits are recorded by greedy decoding only");
        std::vector<Translation> out(n);
        int64_t done = 0;
        bool cancelled = false;
        for (const auto& batch : sources.impl().batches) {
            EncoderOutput enc = batch.encoder;
            computeCrossKeysValues(m, enc);
            const auto masks = makeMaskTensors(m, params.masks, params.perExampleMasks, batch.rows, false, true);
            std::vector<Translation> local;
            std::vector<size_t> finishedRows;
            auto finished = [&](size_t row) { finishedRows.push_back(row); };
            if (!beam)
                greedyBatch(m, enc, masks, s, local, finished);
            else
                beamBatch(m, enc, masks, s, local, finished);
            for (size_t r = 0; r < local.size(); ++r) {
                auto& t = local[r];
                t.reachedMaxLength = int(t.ids.size()) >= s.maxLength;
                t.text = m.tokenizer.decodeTarget(t.ids);
                out[batch.rows[r]] = std::move(t);
            }
            // Sentences are reported when their batch is complete: texts are made then.
            for (size_t r : finishedRows) {
                if (onTranslation)
                    onTranslation(batch.rows[r], out[batch.rows[r]]);
                ++done;
                if (progress && !progress(done, int64_t(n)))
                    cancelled = true;
            }
            if (cancelled)
                fail(ErrorCode::Cancelled, "cancelled");
        }
        return out;
    });
}

Result<std::vector<Translation>> translate(const Seq2SeqModel& model, const std::vector<std::vector<int64_t>>& sources,
                                           const DecodeParams& params, const Progress& progress,
                                           const TranslationCallback& onTranslation)
{
    EncodeParams ep;
    ep.batchSize = params.batchSize;
    ep.encoderSelf = params.masks.encoderSelf;
    for (const auto& m : params.perExampleMasks)
        ep.perExampleMasks.push_back(m.encoderSelf);
    auto encoded = encodeSources(model, sources, ep);
    if (!encoded)
        return encoded.error();
    return decode(model, encoded.value(), params, progress, onTranslation);
}

} // namespace headscope::core
