// LibTorch's out-of-memory reports become ErrorCode::OutOfMemory errors that say what to do
// (core/util/out_of_memory.h), also when they escape through captureResult.
#include "util/out_of_memory.h"
#include "util/result.h"

#include <QtTest>

#include <new>
#include <stdexcept>

using namespace headscope::core;

namespace {

// The messages of c10::OutOfMemoryError as LibTorch 2.x and 1.13 word them.
const char* const kTorch2 =
    "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which "
    "1.20 GiB is free. Including non-PyTorch memory, this process has 77.93 GiB memory in use.\n"
    "Exception raised from malloc at ../c10/cuda/CUDACachingAllocator.cpp:1234";
const char* const kTorch1 =
    "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 15.78 GiB total capacity; 14.56 GiB already "
    "allocated; 1.19 MiB free; 14.64 GiB reserved in total by PyTorch)";

} // namespace

class TestOutOfMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cudaMessagesGiveNeedFreeAndTheCpuAdvice()
    {
        auto oom = outOfMemoryError(kTorch2);
        QVERIFY(oom.has_value());
        QCOMPARE(oom->code, ErrorCode::OutOfMemory);
        QCOMPARE(oom->message,
                 std::string("the job does not fit in GPU memory (need 2.00 GiB, free 1.20 GiB); run it on the CPU"));
        QVERIFY(oom->detail.find('\n') == std::string::npos); // the first line only
        QVERIFY(isGpuOutOfMemory(*oom));

        oom = outOfMemoryError(kTorch1);
        QVERIFY(oom.has_value());
        QCOMPARE(oom->message,
                 std::string("the job does not fit in GPU memory (need 20.00 MiB, free 1.19 MiB); run it on the CPU"));
    }

    void cpuAllocatorMessage()
    {
        auto oom = outOfMemoryError("[enforce fail at alloc_cpu.cpp:83] data. DefaultCPUAllocator: can't allocate "
                                    "memory: you tried to allocate 8589934592 bytes. Error code 12");
        QVERIFY(oom.has_value());
        QCOMPARE(oom->code, ErrorCode::OutOfMemory);
        QCOMPARE(oom->message, std::string("the job does not fit in memory (need 8589934592 bytes more)"));
        // Host memory: moving the job to the CPU would not help.
        QVERIFY(!isGpuOutOfMemory(*oom));
    }

    void cublasAllocationFailureIsGpuOutOfMemory()
    {
        // What LibTorch throws when cuBLAS cannot create its handle on a full GPU.
        auto oom = outOfMemoryError("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`\n"
                                    "Exception raised from getCurrentCUDABlasHandle");
        QVERIFY(oom.has_value());
        QCOMPARE(oom->code, ErrorCode::OutOfMemory);
        QVERIFY(isGpuOutOfMemory(*oom));
        QCOMPARE(oom->detail, std::string("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`"));
    }

    void onlyGpuOutOfMemoryErrorsOfferTheCpu()
    {
        // The load-time refusal (host memory) and other codes are not GPU out-of-memory errors,
        // even when their text mentions a GPU.
        QVERIFY(!isGpuOutOfMemory(Error{ErrorCode::OutOfMemory, "model.safetensors: needs 1.4 GB in float32, "
                                                                 "only 0.9 GB available", "model.safetensors", {}}));
        QVERIFY(!isGpuOutOfMemory(Error{ErrorCode::Runtime, "the job does not fit in GPU memory", {}, {}}));
        QVERIFY(!isGpuOutOfMemory(Error{ErrorCode::Cancelled, "cancelled", {}, {}}));
    }

    void otherMessagesAreNotOutOfMemory()
    {
        QVERIFY(!outOfMemoryError("shape mismatch: [2, 3] vs [3, 2]").has_value());
        QVERIFY(!outOfMemoryError("").has_value());
    }

    void captureResultMapsThem()
    {
        auto r = captureResult([]() -> int { throw std::runtime_error(kTorch2); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::OutOfMemory);
        QCOMPARE(QByteArray(errorCodeName(r.error().code)), QByteArray("out_of_memory"));
        QVERIFY(!r.error().isInputError());

        QVERIFY(isGpuOutOfMemory(r.error()));

        r = captureResult([]() -> int { throw std::bad_alloc(); });
        QCOMPARE(r.error().code, ErrorCode::OutOfMemory);
        QVERIFY(!isGpuOutOfMemory(r.error()));

        r = captureResult([]() -> int { throw std::runtime_error("something else"); });
        QCOMPARE(r.error().code, ErrorCode::Runtime);
    }
};

QTEST_GUILESS_MAIN(TestOutOfMemory)
#include "tst_out_of_memory.moc"
