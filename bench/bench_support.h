#pragma once
// Small helpers shared by the bench programs: inputs, memory, timing statistics, tables.
#include "analysis/encoded_dataset.h"
#include "model/encoder_model.h"
#include "util/error.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace headscope::bench {

/// Options every bench program takes. A program sets `sections` to its full list of sections
/// (the default); --sections replaces it.
struct CommonOptions
{
    std::string modelDir = "/tmp/headscope-bert-base-random";
    std::string fixturesDir = HEADSCOPE_BENCH_FIXTURES_DIR;
    int threads = 0;
    int seqLength = 128;
    std::set<std::string> sections;
};

/// Adds --model, --fixtures, --threads, --seq-len and --sections (a comma list of o.sections).
void addCommonOptions(CLI::App& app, CommonOptions& o);

/// Runs a bench body; an error becomes "error: ..." on stderr and exit code 3 (engine errors)
/// or 1 (anything else).
int runReportingErrors(const std::function<int()>& body);

/// Loads a model folder with this precision and thread count (0: every usable core); errors are
/// thrown as core::ErrorException.
std::shared_ptr<const core::EncoderModel> loadModel(const std::string& dir, core::Precision precision, int threads);

/// The shared fixtures' real classifier and the data it was trained for.
struct RealFixture
{
    std::string modelDir;                            // <fixtures>/real/sst2_small
    std::shared_ptr<const core::EncoderModel> model; // fp32
    core::EncodedDataset data;                       // <fixtures>/real/sst2_dev.tsv, encoded for it
};
/// The real model and SST-2 dev set, or nullopt when the fixtures are not there.
std::optional<RealFixture> loadRealFixture(const std::string& fixturesDir, int threads);
/// Where loadRealFixture looks for the model (for "skipped" messages).
std::string realFixtureModelDir(const std::string& fixturesDir);

/// The value of an engine result, or the error thrown as core::ErrorException.
template <class T>
T valueOrThrow(core::Result<T> r)
{
    if (!r)
        throw core::ErrorException(r.error());
    return std::move(r).value();
}

/// n examples of exactly seqLength tokens: [CLS], uniform random word ids, [SEP]; labels 0/1.
core::EncodedDataset randomDataset(int n, int seqLength, int vocabSize, uint64_t seed);
/// The fixed input whose logits eager_reference.py compares with (same formula there):
/// id[i] = 5 + (j * 7919 + i * 104729) mod (vocabSize - 5), [CLS] first and [SEP] last.
core::EncodedDataset fixedDataset(int n, int seqLength, int vocabSize);

/// A field of /proc/self/status in KiB ("VmRSS", "RssAnon", "RssFile"); -1 when absent.
int64_t procStatusKiB(const std::string& field);
/// "model name" of the first processor in /proc/cpuinfo.
std::string cpuModel();
/// The 1-minute load average from /proc/loadavg (how busy the shared machine was).
double loadAverage1();
int usableCores();

/// CPU seconds used by every thread of the process so far (CLOCK_PROCESS_CPUTIME_ID).
double processCpuSeconds();

double medianOf(std::vector<double> values);
double minOf(const std::vector<double>& values);
double maxOf(const std::vector<double>& values);

/// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// A plain-text table: columns padded to their widest cell, printed to stdout.
class TextTable
{
public:
    explicit TextTable(std::vector<std::string> header);
    void addRow(std::vector<std::string> cells);
    void print(const std::string& title) const;

private:
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace headscope::bench
