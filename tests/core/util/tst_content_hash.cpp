// The content hash that tells a session whether its model or dataset changed: equal bytes give
// equal hashes, any one-byte change (in the head, the middle lanes or the tail) gives another,
// the length counts, and a model folder's hash follows its weights and config but not its
// tokenizer files.
#include "util/content_hash.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <set>
#include <string>

using namespace headscope::core;

namespace {

void writeBytes(const QString& path, const std::string& bytes)
{
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

} // namespace

class TestContentHash : public QObject
{
    Q_OBJECT

private slots:
    void everyByteCounts()
    {
        std::string base(1000, '\0');
        for (size_t i = 0; i < base.size(); ++i)
            base[i] = char((i * 31 + 7) % 251);
        std::set<uint64_t> seen{contentHash64(base.data(), base.size())};
        // Flip one bit at each position: 1,000 distinct hashes plus the original.
        for (size_t i = 0; i < base.size(); ++i) {
            std::string changed = base;
            changed[i] = char(changed[i] ^ 0x10);
            seen.insert(contentHash64(changed.data(), changed.size()));
        }
        QCOMPARE(seen.size(), base.size() + 1);
        QVERIFY(contentHash64(base.data(), 999) != contentHash64(base.data(), 1000));
        QVERIFY(contentHash64(base.data(), 0) != contentHash64(base.data(), 0, 1)); // the seed counts
        QCOMPARE(contentHash64(base.data(), base.size()), contentHash64(std::string(base).data(), base.size()));
    }

    void filesAndModelFolders()
    {
        QTemporaryDir dir;
        writeBytes(dir.filePath(QStringLiteral("a.tsv")), "x\t1\n");
        writeBytes(dir.filePath(QStringLiteral("b.tsv")), "x\t1\n");
        const auto a = contentHashOfFile(dir.filePath(QStringLiteral("a.tsv")).toStdString());
        QVERIFY(a);
        QVERIFY(QString::fromStdString(*a).startsWith(QStringLiteral("hs64:")));
        QCOMPARE(a->size(), size_t(5 + 16));
        QCOMPARE(*contentHashOfFile(dir.filePath(QStringLiteral("b.tsv")).toStdString()), *a);

        const QString model = dir.filePath(QStringLiteral("model"));
        QDir().mkpath(model);
        writeBytes(model + QStringLiteral("/config.json"), "{\"model_type\": \"bert\"}");
        const auto noWeights = contentHashOfModel(model.toStdString());
        QVERIFY(!noWeights);
        QCOMPARE(noWeights.error().code, ErrorCode::FileNotFound);
        writeBytes(model + QStringLiteral("/model.safetensors"), std::string(4096, 'w'));
        writeBytes(model + QStringLiteral("/vocab.txt"), "[PAD]\n");
        const auto h1 = contentHashOfModel(model.toStdString());
        QVERIFY(h1);
        writeBytes(model + QStringLiteral("/vocab.txt"), "[PAD]\n[UNK]\n"); // tokenizer: not hashed
        QCOMPARE(*contentHashOfModel(model.toStdString()), *h1);
        std::string weights(4096, 'w');
        weights[2048] = 'v';
        writeBytes(model + QStringLiteral("/model.safetensors"), weights);
        QVERIFY(*contentHashOfModel(model.toStdString()) != *h1);

        const auto missing = contentHashOfFile(dir.filePath(QStringLiteral("none.tsv")).toStdString());
        QVERIFY(!missing);
        QVERIFY(QString::fromStdString(missing.error().toString()).contains(QStringLiteral("none.tsv")));
    }
};

QTEST_GUILESS_MAIN(TestContentHash)
#include "tst_content_hash.moc"
