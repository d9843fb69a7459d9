#include "bench_support.h"

#include "analysis/dataset_loader.h"

#include "bench_model_writer.h"

#include "data/dataset.h"

#include <CLI/CLI.hpp>

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace headscope::bench {

void addCommonOptions(CLI::App& app, CommonOptions& o)
{
    std::string names;
    for (const auto& name : o.sections)
        names += (names.empty() ? "" : ",") + name;
    app.add_option("--model", o.modelDir, "BERT-base-shaped model folder (written when absent)");
    app.add_option("--fixtures", o.fixturesDir, "shared fixtures folder (real/sst2_small, real/sst2_dev.tsv)");
    app.add_option("--threads", o.threads, "LibTorch threads (0: every usable core)");
    app.add_option("--seq-len", o.seqLength, "sequence length");
    app.add_option_function<std::vector<std::string>>(
           "--sections", [&o](const std::vector<std::string>& chosen) { o.sections = {chosen.begin(), chosen.end()}; },
           "comma list of " + names + " (default: all)")
        ->delimiter(',');
}

std::shared_ptr<const core::EncoderModel> loadModel(const std::string& dir, core::Precision precision, int threads)
{
    core::LoadOptions opt;
    opt.precision = precision;
    opt.nThreads = threads;
    return valueOrThrow(core::EncoderModel::load(dir, opt));
}

std::string realFixtureModelDir(const std::string& fixturesDir)
{
    return (std::filesystem::path(fixturesDir) / "real" / "sst2_small").string();
}

std::optional<RealFixture> loadRealFixture(const std::string& fixturesDir, int threads)
{
    namespace fs = std::filesystem;
    const fs::path modelDir = realFixtureModelDir(fixturesDir);
    const fs::path dataFile = fs::path(fixturesDir) / "real" / "sst2_dev.tsv";
    if (!fs::exists(modelDir / "config.json") || !fs::exists(dataFile))
        return std::nullopt;
    RealFixture f;
    f.modelDir = modelDir.string();
    f.model = loadModel(f.modelDir, core::Precision::Float32, threads);
    // The same loader as headscope-cli: label2id mapping, default max length.
    f.data = valueOrThrow(core::loadEncodedDataset(dataFile.string(), {}, *f.model, core::defaultMaxLength(*f.model)))
                 .encoded;
    return f;
}

int runReportingErrors(const std::function<int()>& body)
{
    try {
        return body();
    } catch (const core::ErrorException& e) {
        std::fprintf(stderr, "error: %s\n", e.error().toString().c_str());
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}

core::EncodedDataset randomDataset(int n, int seqLength, int vocabSize, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> word(kFirstWordId, vocabSize - 1);
    core::EncodedDataset data;
    for (int j = 0; j < n; ++j) {
        core::EncodedExample ex;
        ex.inputIds.resize(size_t(seqLength));
        for (auto& id : ex.inputIds)
            id = word(rng);
        ex.inputIds.front() = kClsId;
        ex.inputIds.back() = kSepId;
        ex.tokenTypeIds.assign(size_t(seqLength), 0);
        ex.label = j % 2;
        data.nTokens += seqLength;
        data.examples.push_back(std::move(ex));
    }
    data.maxLength = seqLength;
    return data;
}

core::EncodedDataset fixedDataset(int n, int seqLength, int vocabSize)
{
    core::EncodedDataset data;
    const int64_t range = vocabSize - kFirstWordId;
    for (int j = 0; j < n; ++j) {
        core::EncodedExample ex;
        for (int i = 0; i < seqLength; ++i)
            ex.inputIds.push_back(kFirstWordId + (int64_t(j) * 7919 + int64_t(i) * 104729) % range);
        ex.inputIds.front() = kClsId;
        ex.inputIds.back() = kSepId;
        ex.tokenTypeIds.assign(size_t(seqLength), 0);
        ex.label = 0;
        data.nTokens += seqLength;
        data.examples.push_back(std::move(ex));
    }
    data.maxLength = seqLength;
    return data;
}

int64_t procStatusKiB(const std::string& field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, field.size() + 1, field + ":") != 0)
            continue;
        std::istringstream s(line.substr(field.size() + 1));
        int64_t kib = -1;
        s >> kib;
        return kib;
    }
    return -1;
}

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    return "unknown";
}

double loadAverage1()
{
    std::ifstream in("/proc/loadavg");
    double load = -1.0;
    in >> load;
    return load;
}

int usableCores()
{
    cpu_set_t set;
    return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double medianOf(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const size_t m = values.size() / 2;
    return values.size() % 2 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

double minOf(const std::vector<double>& values)
{
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

double maxOf(const std::vector<double>& values)
{
    return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

std::string format(const char* fmt, ...)
{
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buffer, sizeof(buffer), fmt, args);
    va_end(args);
    return buffer;
}

TextTable::TextTable(std::vector<std::string> header) { m_rows.push_back(std::move(header)); }

void TextTable::addRow(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }

void TextTable::print(const std::string& title) const
{
    std::vector<size_t> width;
    for (const auto& row : m_rows)
        for (size_t c = 0; c < row.size(); ++c) {
            width.resize(std::max(width.size(), row.size()), 0);
            width[c] = std::max(width[c], row[c].size());
        }
    std::printf("\n== %s\n", title.c_str());
    for (size_t r = 0; r < m_rows.size(); ++r) {
        std::string line;
        for (size_t c = 0; c < m_rows[r].size(); ++c) {
            const auto& cell = m_rows[r][c];
            // First column left-aligned (labels), the others right-aligned (numbers).
            const std::string pad(width[c] - cell.size(), ' ');
            line += c == 0 ? cell + pad : pad + cell;
            if (c + 1 < m_rows[r].size())
                line += "  ";
        }
        std::printf("%s\n", line.c_str());
        if (r == 0) {
            size_t total = 0;
            for (size_t c = 0; c < width.size(); ++c)
                total += width[c] + (c + 1 < width.size() ? 2 : 0);
            std::printf("%s\n", std::string(total, '-').c_str());
        }
    }
    std::fflush(stdout);
}

} // namespace headscope::bench
