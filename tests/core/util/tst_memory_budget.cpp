// The memory budget (core/util/memory_budget.h): available memory from /proc/meminfo and the
// cgroup v2 limit, the byte formatting, and the refusal message with both sizes.
#include "util/memory_budget.h"

#include <QtTest>

#include <cstdlib>

using namespace headscope::core;

namespace {

const char* const kMeminfo = "MemTotal:       16384000 kB\n"
                             "MemFree:          512000 kB\n"
                             "MemAvailable:    4000000 kB\n"
                             "HugePages_Total:       0\n";

} // namespace

class TestMemoryBudget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { ::unsetenv(kMemoryLimitEnv); }

    void availableIsTheLowerOfMeminfoAndCgroupRoom()
    {
        // 4,000,000 kB = 4,096,000,000 bytes.
        QCOMPARE(availableMemoryBytes(kMeminfo, "max\n", "123\n"), std::optional<int64_t>(4096000000));
        QCOMPARE(availableMemoryBytes(kMeminfo, "", ""), std::optional<int64_t>(4096000000));
        // cgroup limit 3 GB with 1 GB used: 2 GB of room, lower than MemAvailable.
        QCOMPARE(availableMemoryBytes(kMeminfo, "3000000000\n", "1000000000\n"), std::optional<int64_t>(2000000000));
        // Over the limit already: no room at all.
        QCOMPARE(availableMemoryBytes(kMeminfo, "1000\n", "5000\n"), std::optional<int64_t>(0));
        QCOMPARE(availableMemoryBytes("", "", ""), std::optional<int64_t>());
        // The real machine has some memory available.
        QVERIFY(availableMemoryBytes().value_or(0) > 0);
    }

    void formatsDecimalUnits()
    {
        QCOMPARE(formatBytes(1400000000), std::string("1.4 GB"));
        QCOMPARE(formatBytes(949999999), std::string("0.9 GB"));
        QCOMPARE(formatBytes(95000000), std::string("95 MB"));
        QCOMPARE(formatBytes(12345), std::string("12 kB"));
        QCOMPARE(formatBytes(512), std::string("512 B"));
    }

    void refusesWithBothSizes()
    {
        ::setenv(kMemoryLimitEnv, "900000000", 1);
        auto refused = checkMemoryNeed("/m/model.safetensors", 1400000000, "to load as fp32");
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::OutOfMemory);
        QCOMPARE(refused.error().toString(),
                 std::string("/m/model.safetensors: needs 1.4 GB to load as fp32, only 0.9 GB of memory is available"));
        QVERIFY(checkMemoryNeed("/m/model.safetensors", 900000000, "to load as fp32").ok());
    }
};

QTEST_GUILESS_MAIN(TestMemoryBudget)
#include "tst_memory_budget.moc"
