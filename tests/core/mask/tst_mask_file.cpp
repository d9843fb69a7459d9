// Mask file converters: round trips, HeadScope JSON, Hugging Face pruned_heads, descriptors and
// errors. Expected masks come from hand-written files whose meaning is worked out by hand below
// and from the paper code's own descriptor / pruned_heads pairs in the reference fixtures.
// The matrix formats (CSV, .npy) are checked against numpy in tst_mask_matrix.cpp.
#include "mask/mask_file.h"
#include "mask_checks.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

HeadMask randomMask(std::mt19937& rng, int nLayers, int nHeads)
{
    std::bernoulli_distribution prune(0.3);
    HeadMask m(nLayers, nHeads);
    for (int l = 0; l < nLayers; ++l)
        for (int h = 0; h < nHeads; ++h)
            m.setKept(l, h, !prune(rng));
    return m;
}

bool sameSet(const MaskSet& got, const MaskSet& want)
{
    if (got.nLayers != want.nLayers || got.nHeads != want.nHeads || got.architecture != want.architecture ||
        got.masks.size() != want.masks.size()) {
        qWarning("set differs: %dx%d %s (%d masks) vs %dx%d %s (%d masks)", got.nLayers, got.nHeads,
                 got.architecture.c_str(), int(got.masks.size()), want.nLayers, want.nHeads,
                 want.architecture.c_str(), int(want.masks.size()));
        return false;
    }
    for (const auto& [type, mask] : want.masks) {
        auto it = got.masks.find(type);
        if (it == got.masks.end() || !sameMask(it->second, mask)) return false;
    }
    return true;
}


std::string readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    return std::string(bytes.constData(), size_t(bytes.size()));
}

bool writeFile(const QString& path, const std::string& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) &&
           f.write(bytes.data(), qint64(bytes.size())) == qint64(bytes.size());
}

MaskSet translationSet(std::mt19937& rng)
{
    MaskSet set;
    set.architecture = "marian";
    set.nLayers = 6;
    set.nHeads = 16;
    for (auto t : {AttentionType::EncoderSelf, AttentionType::EncoderDecoder, AttentionType::DecoderSelf})
        set.masks[t] = randomMask(rng, 6, 16);
    return set;
}

} // namespace

class TestMaskFile : public QObject
{
    Q_OBJECT

private slots:
    void formatNames();
    void roundTripInMemory();
    void roundTripThroughFiles();
    void jsonHandWritten();
    void jsonWriterLayout();
    void hfHandWritten();
    void hfConfigJson();
    void descriptorHandWritten();
    void descriptorWriter();
    void paperDescriptor();
    void paperDescriptorsFromFixtures();
    void shapeMismatch();
    void errorsNameThePath();
    void lossyWritesRefused();
};

void TestMaskFile::formatNames()
{
    MaskFormat f = MaskFormat::Csv;
    QVERIFY(parseMaskFormat("hf", f));
    QVERIFY(f == MaskFormat::HfPrunedHeads);
    QVERIFY(parseMaskFormat("descriptor", f));
    QVERIFY(f == MaskFormat::Descriptor);
    QVERIFY(!parseMaskFormat("xml", f));
    QCOMPARE(std::string(maskFormatName(MaskFormat::Npy)), std::string("npy"));
    QVERIFY(maskFormatFromPath("/a/b/mask.JSON") == MaskFormat::HeadScopeJson);
    QVERIFY(maskFormatFromPath("heads.txt") == MaskFormat::Descriptor);
    QVERIFY(maskFormatFromPath("heads.desc") == MaskFormat::Descriptor);
    QVERIFY(maskFormatFromPath("m.csv") == MaskFormat::Csv);
    QVERIFY(maskFormatFromPath("m.npy") == MaskFormat::Npy);
}

void TestMaskFile::roundTripInMemory()
{
    std::mt19937 rng(20190524);
    for (int rep = 0; rep < 20; ++rep) {
        const int nLayers = 1 + int(rng() % 24);
        const int nHeads = 1 + int(rng() % 16);
        const HeadMask mask = randomMask(rng, nLayers, nHeads);
        const MaskSet set = MaskSet::fromMask(mask, "bert");

        auto json = maskFromJson(maskToJson(set), "m.json");
        QVERIFY2(json.ok(), json.ok() ? "" : json.error().toString().c_str());
        QVERIFY(sameSet(*json, set));
        QCOMPARE(json->sourcePath, std::string("m.json"));

        auto hf = maskFromHfPrunedHeads(maskToHfPrunedHeads(set), nLayers, nHeads, "hf.json");
        QVERIFY(hf.ok());
        QVERIFY(sameSet(*hf, set));

        auto desc = maskFromDescriptor(maskToDescriptor(set), nLayers, nHeads, "m.txt");
        QVERIFY(desc.ok());
        QVERIFY(sameSet(*desc, set));

        auto paper = maskFromPaperDescriptor(maskToPaperDescriptor(set), nLayers, nHeads, "p.txt");
        QVERIFY(paper.ok());
        QVERIFY(sameSet(*paper, set));

        auto csv = maskFromCsv(maskToCsv(mask), "m.csv");
        QVERIFY(csv.ok());
        QVERIFY(sameSet(*csv, set));

        auto npy = maskFromNpy(maskToNpy(mask), "m.npy");
        QVERIFY(npy.ok());
        QVERIFY(sameSet(*npy, set));
    }

    // Translation sets keep all three attention types through JSON and both descriptor styles.
    for (int rep = 0; rep < 5; ++rep) {
        const MaskSet set = translationSet(rng);
        auto json = maskFromJson(maskToJson(set), "t.json");
        QVERIFY(json.ok());
        QVERIFY(sameSet(*json, set));
        MaskSet bertNamed = set;
        bertNamed.architecture = "bert"; // descriptors carry no architecture
        auto desc = maskFromDescriptor(maskToDescriptor(set), 6, 16, "t.txt");
        QVERIFY(desc.ok());
        QVERIFY(sameSet(*desc, bertNamed));
        auto paper = maskFromPaperDescriptor(maskToPaperDescriptor(set), 6, 16, "t.txt");
        QVERIFY(paper.ok());
        QVERIFY(sameSet(*paper, bertNamed));
    }

    // Nothing pruned survives too.
    const MaskSet none = MaskSet::fromMask(HeadMask(12, 12));
    QCOMPARE(maskToDescriptor(none), std::string());
    QCOMPARE(maskToHfPrunedHeads(none), std::string("{}"));
    auto back = maskFromJson(maskToJson(none), "n.json");
    QVERIFY(back.ok());
    QVERIFY(sameSet(*back, none));
}

void TestMaskFile::roundTripThroughFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::mt19937 rng(42);
    const HeadMask mask = randomMask(rng, 12, 12);
    MaskSet set = MaskSet::fromMask(mask, "bert");

    struct Case
    {
        const char* name;
        MaskFormat format;
    };
    for (const Case& c :
         {Case{"mask.json", MaskFormat::HeadScopeJson}, Case{"pruned.json", MaskFormat::HfPrunedHeads},
          Case{"heads.txt", MaskFormat::Descriptor}, Case{"mask.csv", MaskFormat::Csv},
          Case{"mask.npy", MaskFormat::Npy}, Case{"mask.unknownext", MaskFormat::Csv}}) {
        const std::string path = dir.filePath(QString::fromLatin1(c.name)).toStdString();
        auto written = writeMaskFile(path, set, c.format);
        QVERIFY2(written.ok(), c.name);
        auto read = readMaskFile(path, 12, 12);
        QVERIFY2(read.ok(), read.ok() ? c.name : read.error().toString().c_str());
        QVERIFY2(sameSet(*read, set), c.name);
        QCOMPARE(read->sourcePath, path);
        // Written atomically: no temporary next to the mask.
        for (const QString& entry : QDir(dir.path()).entryList(QDir::Files | QDir::Hidden))
            QVERIFY2(!entry.startsWith(u'.'), qPrintable(entry));
    }

    const MaskSet trans = translationSet(rng);
    const std::string path = dir.filePath(QStringLiteral("trans.json")).toStdString();
    QVERIFY(writeMaskFile(path, trans, MaskFormat::HeadScopeJson).ok());
    auto read = readMaskFile(path);
    QVERIFY(read.ok());
    QVERIFY(sameSet(*read, trans));
}

void TestMaskFile::jsonHandWritten()
{
    // DESIGN.md's example: layer 0 loses heads 1 and 5, layer 3 loses head 0.
    const std::string text =
        R"({"format":"headscope-mask","version":1,"model":{"architecture":"bert","layers":12,"heads":12},
        "pruned":{"encoder_self":{"0":[1,5],"3":[0]}}})";
    auto set = maskFromJson(text, "design.json");
    QVERIFY(set.ok());
    QCOMPARE(set->architecture, std::string("bert"));
    QCOMPARE(set->nLayers, 12);
    QCOMPARE(set->nHeads, 12);
    QCOMPARE(int(set->masks.size()), 1);
    auto mask = set->maskFor(AttentionType::EncoderSelf, 12, 12);
    QVERIFY(mask.ok());
    QVERIFY(sameMask(*mask, maskWithPruned(12, 12, {{0, 1}, {0, 5}, {3, 0}})));
    QCOMPARE(mask->countMasked(), 3);
    // Types the file does not mention are all kept.
    auto dec = set->maskFor(AttentionType::DecoderSelf, 12, 12);
    QVERIFY(dec.ok());
    QCOMPARE(dec->countMasked(), 0);

    // Translation file with unsorted, duplicated heads and no "pruned" key at all.
    auto trans = maskFromJson(R"({"format":"headscope-mask","version":1,"model":{"layers":6,"heads":8},
        "pruned":{"decoder_self":{"5":[7,0,7]},"encoder_decoder":{},"encoder_self":{"2":[3]}}})",
                              "t.json");
    QVERIFY(trans.ok());
    QCOMPARE(int(trans->masks.size()), 3);
    QVERIFY(sameMask(trans->masks.at(AttentionType::DecoderSelf), maskWithPruned(6, 8, {{5, 0}, {5, 7}})));
    QCOMPARE(trans->masks.at(AttentionType::EncoderDecoder).countMasked(), 0);
    QVERIFY(sameMask(trans->masks.at(AttentionType::EncoderSelf), maskWithPruned(6, 8, {{2, 3}})));

    auto bare =
        maskFromJson(R"({"format":"headscope-mask","version":1,"model":{"layers":2,"heads":3}})", "b.json");
    QVERIFY(bare.ok());
    QVERIFY(bare->masks.empty());
    QCOMPARE(bare->maskFor(AttentionType::EncoderSelf, 2, 3)->countKept(), 6);
}

void TestMaskFile::jsonWriterLayout()
{
    MaskSet set = MaskSet::fromMask(maskWithPruned(12, 12, {{3, 0}, {0, 5}, {0, 1}, {10, 2}}));
    const std::string expected = "{\n"
                                 "  \"format\": \"headscope-mask\",\n"
                                 "  \"version\": 1,\n"
                                 "  \"model\": {\"architecture\": \"bert\", \"layers\": 12, \"heads\": 12},\n"
                                 "  \"pruned\": {\n"
                                 "    \"encoder_self\": {\"0\": [1, 5], \"3\": [0], \"10\": [2]}\n"
                                 "  }\n"
                                 "}\n";
    QCOMPARE(maskToJson(set), expected);
    QCOMPARE(maskToHfPrunedHeads(set), std::string(R"({"0":[1,5],"3":[0],"10":[2]})"));

    // Also valid JSON for an independent parser, with the numbers in place.
    const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(maskToJson(set))).object();
    QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("headscope-mask"));
    QCOMPARE(root.value(QStringLiteral("model")).toObject().value(QStringLiteral("heads")).toInt(), 12);
    const QJsonArray layer0 = root.value(QStringLiteral("pruned"))
                                  .toObject()
                                  .value(QStringLiteral("encoder_self"))
                                  .toObject()
                                  .value(QStringLiteral("0"))
                                  .toArray();
    QCOMPARE(layer0.size(), 2);
    QCOMPARE(layer0.at(1).toInt(), 5);
}

void TestMaskFile::hfHandWritten()
{
    auto set = maskFromHfPrunedHeads(R"({"0":[1,5],"3":[0]})", 12, 12, "pruned_heads.json");
    QVERIFY(set.ok());
    QVERIFY(sameMask(set->masks.at(AttentionType::EncoderSelf),
                     maskWithPruned(12, 12, {{0, 1}, {0, 5}, {3, 0}})));
    QCOMPARE(set->sourcePath, std::string("pruned_heads.json"));

    auto empty = maskFromHfPrunedHeads("{}", 4, 4, "e.json");
    QVERIFY(empty.ok());
    QCOMPARE(empty->masks.at(AttentionType::EncoderSelf).countMasked(), 0);

    // Without the model's shape a bare map cannot be read.
    QVERIFY(isError(maskFromHfPrunedHeads(R"({"0":[1]})", 0, 0, "p.json"), ErrorCode::InvalidArgument,
                    "p.json", {"layers and heads"}));
    // Index beyond the model.
    QVERIFY(isError(maskFromHfPrunedHeads(R"({"0":[4]})", 4, 4, "p.json"), ErrorCode::ShapeMismatch, "p.json",
                    {"layer 0", "head 4"}));
    QVERIFY(isError(maskFromHfPrunedHeads(R"({"0":[1.5]})", 4, 4, "p.json"), ErrorCode::InvalidFile, "p.json",
                    {"integers"}));
}

void TestMaskFile::hfConfigJson()
{
    const std::string config = R"({"architectures":["BertForSequenceClassification"],"model_type":"bert",
        "hidden_size":64,"num_attention_heads":4,"num_hidden_layers":3,
        "pruned_heads":{"1":[0,2],"2":[3]}})";
    // Shape from the config when none is given.
    auto set = maskFromHfPrunedHeads(config, 0, 0, "config.json");
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->nLayers, 3);
    QCOMPARE(set->nHeads, 4);
    QVERIFY(
        sameMask(set->masks.at(AttentionType::EncoderSelf), maskWithPruned(3, 4, {{1, 0}, {1, 2}, {2, 3}})));

    // DistilBERT names its shape n_layers / n_heads.
    auto distil = maskFromHfPrunedHeads(
        R"({"model_type":"distilbert","n_layers":6,"n_heads":12,"pruned_heads":{"5":[11]}})", 0, 0, "c.json");
    QVERIFY(distil.ok());
    QCOMPARE(distil->architecture, std::string("distilbert"));
    QVERIFY(sameMask(distil->masks.at(AttentionType::EncoderSelf), maskWithPruned(6, 12, {{5, 11}})));

    // A config without pruned_heads prunes nothing.
    auto plain = maskFromHfPrunedHeads(
        R"({"model_type":"bert","num_hidden_layers":2,"num_attention_heads":2})", 0, 0, "c.json");
    QVERIFY(plain.ok());
    QCOMPARE(plain->masks.at(AttentionType::EncoderSelf).countKept(), 4);

    QVERIFY(isError(maskFromHfPrunedHeads(R"({"hello":"world"})", 4, 4, "x.json"), ErrorCode::InvalidFile,
                    "x.json", {"pruned_heads"}));

    // readMaskFile tells HF from HeadScope JSON by content.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.json"));
    QVERIFY(writeFile(path, config));
    auto read = readMaskFile(path.toStdString());
    QVERIFY(read.ok());
    QCOMPARE(read->masks.at(AttentionType::EncoderSelf).countMasked(), 3);
}

void TestMaskFile::descriptorHandWritten()
{
    auto set = maskFromDescriptor("0:1,5 3:0", 12, 12, "d.txt");
    QVERIFY(set.ok());
    QCOMPARE(int(set->masks.size()), 1);
    QVERIFY(sameMask(set->masks.at(AttentionType::EncoderSelf),
                     maskWithPruned(12, 12, {{0, 1}, {0, 5}, {3, 0}})));

    // Newlines, tabs and a repeated layer merge.
    auto spaced = maskFromDescriptor("  0:5\n\t3:0 0:1\n", 12, 12, "d.txt");
    QVERIFY(spaced.ok());
    QVERIFY(sameSet(*spaced, *set));

    auto empty = maskFromDescriptor("", 2, 2, "d.txt");
    QVERIFY(empty.ok());
    QCOMPARE(empty->masks.at(AttentionType::EncoderSelf).countMasked(), 0);

    auto trans = maskFromDescriptor("E:0:1,5 A:2:3 D:5:0", 6, 8, "t.txt");
    QVERIFY(trans.ok());
    QCOMPARE(int(trans->masks.size()), 3);
    QVERIFY(sameMask(trans->masks.at(AttentionType::EncoderSelf), maskWithPruned(6, 8, {{0, 1}, {0, 5}})));
    QVERIFY(sameMask(trans->masks.at(AttentionType::EncoderDecoder), maskWithPruned(6, 8, {{2, 3}})));
    QVERIFY(sameMask(trans->masks.at(AttentionType::DecoderSelf), maskWithPruned(6, 8, {{5, 0}})));

    QVERIFY(isError(maskFromDescriptor("0:1 3", 12, 12, "d.txt"), ErrorCode::InvalidFile, "d.txt", {"'3'"}));
    QVERIFY(isError(maskFromDescriptor("0:1,", 12, 12, "d.txt"), ErrorCode::InvalidFile, "d.txt", {"0:1,"}));
    QVERIFY(isError(maskFromDescriptor("X:0:1", 12, 12, "d.txt"), ErrorCode::InvalidFile, "d.txt", {"'X'"}));
    QVERIFY(isError(maskFromDescriptor("12:0", 12, 12, "d.txt"), ErrorCode::ShapeMismatch, "d.txt",
                    {"layer 12", "model has 12 layers x 12 heads"}));
    QVERIFY(isError(maskFromDescriptor("0:1", 0, 0, "d.txt"), ErrorCode::InvalidArgument, "d.txt", {}));
}

void TestMaskFile::descriptorWriter()
{
    QCOMPARE(maskToDescriptor(MaskSet::fromMask(maskWithPruned(12, 12, {{3, 0}, {0, 5}, {0, 1}}))),
             std::string("0:1,5 3:0"));
    MaskSet trans;
    trans.nLayers = 6;
    trans.nHeads = 8;
    trans.masks[AttentionType::DecoderSelf] = maskWithPruned(6, 8, {{5, 0}});
    trans.masks[AttentionType::EncoderSelf] = maskWithPruned(6, 8, {{0, 5}, {0, 1}});
    trans.masks[AttentionType::EncoderDecoder] = maskWithPruned(6, 8, {{2, 3}});
    QCOMPARE(maskToDescriptor(trans), std::string("E:0:1,5 A:2:3 D:5:0"));
    QCOMPARE(maskToPaperDescriptor(trans), std::string("E:1:2,6 A:3:4 D:6:1"));
}

void TestMaskFile::paperDescriptor()
{
    // From reference/tiny_bert_single.json, "actual_pruning": the paper's code wrote the
    // descriptor "1:1,2 2:1 3:2,4 4:1,2,4" for pruned_heads {0:[0,1], 1:[0], 2:[1,3], 3:[0,1,3]}.
    const HeadMask expected =
        maskWithPruned(4, 4, {{0, 0}, {0, 1}, {1, 0}, {2, 1}, {2, 3}, {3, 0}, {3, 1}, {3, 3}});
    auto set = maskFromPaperDescriptor("1:1,2 2:1 3:2,4 4:1,2,4", 4, 4, "paper.txt");
    QVERIFY(set.ok());
    QVERIFY(sameMask(set->masks.at(AttentionType::EncoderSelf), expected));
    QCOMPARE(maskToPaperDescriptor(*set), std::string("1:1,2 2:1 3:2,4 4:1,2,4"));
    QCOMPARE(maskToDescriptor(*set), std::string("0:0,1 1:0 2:1,3 3:0,1,3"));

    // The translation form of the paper's fairseq code: "E:1:1,2" is encoder layer 0, heads 0 and 1.
    auto trans = maskFromPaperDescriptor("E:1:1,2 A:3:4 D:6:1", 6, 8, "p.txt");
    QVERIFY(trans.ok());
    QVERIFY(sameMask(trans->masks.at(AttentionType::EncoderSelf), maskWithPruned(6, 8, {{0, 0}, {0, 1}})));
    QVERIFY(sameMask(trans->masks.at(AttentionType::EncoderDecoder), maskWithPruned(6, 8, {{2, 3}})));
    QVERIFY(sameMask(trans->masks.at(AttentionType::DecoderSelf), maskWithPruned(6, 8, {{5, 0}})));

    // 0 does not exist in 1-based numbering; 5 is one past a 4-head layer.
    QVERIFY(isError(maskFromPaperDescriptor("0:1", 4, 4, "p.txt"), ErrorCode::ShapeMismatch, "p.txt",
                    {"layer 0", "from 1"}));
    QVERIFY(isError(maskFromPaperDescriptor("2:5", 4, 4, "p.txt"), ErrorCode::ShapeMismatch, "p.txt",
                    {"head 5", "model has 4 layers x 4 heads"}));
}

void TestMaskFile::paperDescriptorsFromFixtures()
{
    const QString root = QStringLiteral(HEADSCOPE_FIXTURES_DIR);
    const QStringList files{root + QStringLiteral("/reference/tiny_bert_single.json"),
                            root + QStringLiteral("/reference/tiny_bert_pairs.json"),
                            root + QStringLiteral("/real/sst2_small.json")};
    if (!QFile::exists(files.first())) QSKIP("reference fixtures not found (HEADSCOPE_FIXTURES_DIR)");
    int checked = 0;
    for (const QString& file : files) {
        const QJsonObject doc = QJsonDocument::fromJson(QByteArray::fromStdString(readFile(file))).object();
        const QJsonObject meta = doc.value(QStringLiteral("meta")).toObject();
        const int nLayers = meta.value(QStringLiteral("num_layers")).toInt();
        const int nHeads = meta.value(QStringLiteral("num_heads")).toInt();
        QVERIFY(nLayers > 0 && nHeads > 0);
        QJsonArray steps =
            doc.value(QStringLiteral("pruning_curve")).toObject().value(QStringLiteral("steps")).toArray();
        steps.append(doc.value(QStringLiteral("actual_pruning")).toObject());
        for (const QJsonValue& v : steps) {
            const QJsonObject step = v.toObject();
            const std::string descriptor = step.value(QStringLiteral("descriptor")).toString().toStdString();
            const QJsonObject pruned = step.value(QStringLiteral("pruned_heads")).toObject();
            HeadMask expected(nLayers, nHeads);
            for (auto it = pruned.begin(); it != pruned.end(); ++it)
                for (const QJsonValue& h : it.value().toArray())
                    expected.setKept(it.key().toInt(), h.toInt(), false);

            auto fromDescriptor = maskFromPaperDescriptor(descriptor, nLayers, nHeads, "fixture");
            QVERIFY2(fromDescriptor.ok(), descriptor.c_str());
            QVERIFY2(sameMask(fromDescriptor->masks.at(AttentionType::EncoderSelf), expected),
                     descriptor.c_str());
            // We write what the paper's to_pruning_descriptor wrote.
            QCOMPARE(maskToPaperDescriptor(*fromDescriptor), descriptor);

            const std::string hfText = QJsonDocument(pruned).toJson().toStdString();
            auto fromHf = maskFromHfPrunedHeads(hfText, nLayers, nHeads, "fixture");
            QVERIFY(fromHf.ok());
            QVERIFY(sameMask(fromHf->masks.at(AttentionType::EncoderSelf), expected));
            ++checked;
        }
    }
    QVERIFY(checked >= 60);

    // The fixture model's config.json has no pruned_heads: nothing pruned, shape from the file.
    const std::string config = (root + QStringLiteral("/reference/tiny_bert/config.json")).toStdString();
    auto fromConfig = readMaskFile(config);
    QVERIFY(fromConfig.ok());
    QCOMPARE(fromConfig->nLayers, 4);
    QCOMPARE(fromConfig->nHeads, 4);
    QCOMPARE(fromConfig->masks.at(AttentionType::EncoderSelf).countMasked(), 0);
}

void TestMaskFile::shapeMismatch()
{
    MaskSet set = MaskSet::fromMask(maskWithPruned(12, 12, {{0, 1}}));
    set.sourcePath = "/tmp/mask.json";
    auto wrong = set.maskFor(AttentionType::EncoderSelf, 4, 4);
    QVERIFY(!wrong.ok());
    QVERIFY(wrong.error().code == ErrorCode::ShapeMismatch);
    QCOMPARE(wrong.error().message, std::string("mask is for 12 layers x 12 heads, the model has 4 x 4"));
    QCOMPARE(wrong.error().path, std::string("/tmp/mask.json"));
    // An absent type of a set for another model is refused as well.
    QVERIFY(!set.maskFor(AttentionType::DecoderSelf, 4, 4).ok());
    auto right = set.maskFor(AttentionType::EncoderSelf, 12, 12);
    QVERIFY(right.ok());
    QCOMPARE(right->countMasked(), 1);
    // A set without any shape gives all heads kept for any model.
    auto anyShape = MaskSet{}.maskFor(AttentionType::EncoderSelf, 3, 5);
    QVERIFY(anyShape.ok());
    QCOMPARE(anyShape->countKept(), 15);
}

void TestMaskFile::errorsNameThePath()
{
    QTemporaryDir dir;
    auto put = [&](const char* name, const std::string& bytes) {
        const QString path = dir.filePath(QString::fromLatin1(name));
        writeFile(path, bytes);
        return path.toStdString();
    };
    const std::string head =
        R"({"format":"headscope-mask","version":1,"model":{"architecture":"bert","layers":12,"heads":12},)";

    const std::string outOfRange = put("range.json", head + R"("pruned":{"encoder_self":{"3":[12]}}})");
    QVERIFY(isError(readMaskFile(outOfRange), ErrorCode::InvalidFile, outOfRange, {"layer 3", "head 12"}));
    const std::string badLayer = put("layer.json", head + R"("pruned":{"encoder_self":{"12":[0]}}})");
    QVERIFY(isError(readMaskFile(badLayer), ErrorCode::InvalidFile, badLayer, {"layer 12"}));

    const std::string v2 =
        put("v2.json", R"({"format":"headscope-mask","version":2,"model":{"layers":1,"heads":1}})");
    QVERIFY(isError(readMaskFile(v2), ErrorCode::Unsupported, v2, {"newer HeadScope", "version 2"}));

    const std::string broken = put("broken.json", head + R"("pruned":{"encoder_self":{"0":[1,}})");
    QVERIFY(isError(readMaskFile(broken), ErrorCode::InvalidFile, broken, {"not valid JSON"}));

    const std::string type = put("type.json", head + R"("pruned":{"cross":{"0":[1]}}})");
    QVERIFY(isError(readMaskFile(type), ErrorCode::InvalidFile, type, {"cross"}));

    const std::string other = put("other.json", R"({"format":"something-else","version":1})");
    QVERIFY(isError(readMaskFile(other), ErrorCode::InvalidFile, other, {"not a HeadScope mask"}));

    const std::string noShape =
        put("shape.json", R"({"format":"headscope-mask","version":1,"model":{"layers":0,"heads":12}})");
    QVERIFY(isError(readMaskFile(noShape), ErrorCode::InvalidFile, noShape, {"layers"}));

    std::string truncatedBytes = maskToNpy(HeadMask(2, 3));
    truncatedBytes.pop_back();
    const std::string truncated = put("cut.npy", truncatedBytes);
    QVERIFY(isError(readMaskFile(truncated), ErrorCode::InvalidFile, truncated, {"truncated"}));

    const std::string ragged = put("ragged.csv", "1,1\n1\n");
    QVERIFY(isError(readMaskFile(ragged), ErrorCode::InvalidFile, ragged, {"ragged"}));

    const std::string missing = dir.filePath(QStringLiteral("missing.json")).toStdString();
    QVERIFY(isError(readMaskFile(missing), ErrorCode::FileNotFound, missing, {"not found"}));

    // A descriptor file needs the model's shape.
    const std::string desc = put("heads.txt", "0:1\n");
    QVERIFY(isError(readMaskFile(desc), ErrorCode::InvalidArgument, desc, {}));
    QVERIFY(readMaskFile(desc, 2, 2).ok());
}

void TestMaskFile::lossyWritesRefused()
{
    QTemporaryDir dir;
    std::mt19937 rng(3);
    const MaskSet trans = translationSet(rng);
    for (auto [name, format] : {std::pair{"t.csv", MaskFormat::Csv}, std::pair{"t.npy", MaskFormat::Npy},
                                std::pair{"t.json", MaskFormat::HfPrunedHeads}}) {
        const std::string path = dir.filePath(QString::fromLatin1(name)).toStdString();
        auto r = writeMaskFile(path, trans, format);
        QVERIFY(!r.ok());
        QVERIFY(r.error().code == ErrorCode::Unsupported);
        QCOMPARE(r.error().path, path);
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }
    const std::string shapeless = dir.filePath(QStringLiteral("shapeless.json")).toStdString();
    auto noShape = writeMaskFile(shapeless, MaskSet{}, MaskFormat::HeadScopeJson);
    QVERIFY(!noShape.ok());
    QVERIFY(noShape.error().code == ErrorCode::InvalidArgument);
    const std::string unwritable = dir.filePath(QStringLiteral("no/such/dir/m.json")).toStdString();
    auto r = writeMaskFile(unwritable, trans, MaskFormat::HeadScopeJson);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().path, unwritable);
}

QTEST_GUILESS_MAIN(TestMaskFile)
#include "tst_mask_file.moc"
