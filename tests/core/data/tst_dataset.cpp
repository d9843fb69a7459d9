// loadDataset / previewDataset: GLUE TSV layouts (SST-2, MNLI), CSV quoting, JSONL with string
// labels, header and column guessing, malformed lines as warnings (or errors in strict mode),
// and the fixtures' files. Expected values are read off the hand-written files; the fixture
// counts were computed with Python (line.split('\t')) on the fixture files.
#include "data/dataset.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace headscope::core;

namespace {

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class TestDataset : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const char* name, const std::string& text)
    {
        const std::string path = m_dir.filePath(QString::fromUtf8(name)).toStdString();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        return path;
    }

    static Dataset load(const std::string& path, const DatasetOptions& options = {},
                        const std::map<std::string, int>* label2id = nullptr)
    {
        auto ds = loadDataset(path, options, label2id);
        if (!ds) qFatal("%s", ds.error().toString().c_str());
        return ds.value();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void overlongRecordIsSkippedWithItsLength()
    {
        // 1,500,000 bytes of text on line 3: reported with its line and length, the rest loads.
        const std::string giant(1500000, 'x');
        struct Case
        {
            const char* name;
            std::string text;
            size_t giantBytes;
        };
        const Case cases[] = {
            {"long.tsv", "sentence\tlabel\nshort one\t1\n" + giant + "\t0\nafter it\t0\n", giant.size() + 2},
            {"long.csv", "sentence,label\nshort one,1\n\"" + giant + "\",0\nafter it,0\n", giant.size() + 4},
            {"long.jsonl", "{\"sentence\":\"short one\",\"label\":1}\n{\"sentence\":\"x\",\"label\":0}\n{\"sentence\":\"" + giant +
                               "\",\"label\":0}\n{\"sentence\":\"after it\",\"label\":0}\n",
             giant.size() + 25},
        };
        for (const Case& c : cases) {
            const Dataset ds = load(write(c.name, c.text));
            QVERIFY2(ds.warnings.size() == 1, c.name);
            QCOMPARE(ds.warnings[0].line, int64_t(3));
            QCOMPARE(ds.warnings[0].message, "the record is " + std::to_string(c.giantBytes) +
                                                 " bytes long, more than the limit of 1000000 bytes (1 MB)");
            QCOMPARE(ds.skippedLines, int64_t(1));
            const size_t nExamples = std::string(c.name) == "long.jsonl" ? 3 : 2;
            QCOMPARE(ds.examples.size(), nExamples);
            QCOMPARE(ds.examples.back().textA, std::string("after it"));
            QCOMPARE(ds.examples.back().line, int64_t(4));
        }
        // A record of exactly the limit still loads.
        const std::string edge(1000000 - 2, 'y');
        const Dataset ds = load(write("edge.tsv", "sentence\tlabel\n" + edge + "\t1\n"));
        QCOMPARE(ds.examples.size(), size_t(1));
        QVERIFY(ds.warnings.empty());
    }

    void sst2WithHeader()
    {
        const std::string path = write("sst2.tsv", "sentence\tlabel\n"
                                                   "it 's a charming and often affecting journey . \t1\n"
                                                   "unflinchingly bleak and desperate \t0\r\n"
                                                   "\n"
                                                   "a \"quoted\" word\t1\n");
        const Dataset ds = load(path);
        QCOMPARE(ds.format, DatasetFormat::Tsv);
        QCOMPARE(ds.columns, (std::vector<std::string>{"sentence", "label"}));
        QCOMPARE(ds.textColumn, std::string("sentence"));
        QCOMPARE(ds.labelColumn, std::string("label"));
        QVERIFY(ds.textBColumn.empty());
        QVERIFY(!ds.hasPairs());
        QCOMPARE(ds.examples.size(), size_t(3));
        QCOMPARE(ds.examples[0].textA, std::string("it 's a charming and often affecting journey . "));
        QCOMPARE(ds.examples[0].label, 1);
        QCOMPARE(ds.examples[0].line, int64_t(2));
        QVERIFY(!ds.examples[0].textB.has_value());
        QCOMPARE(ds.examples[1].textA, std::string("unflinchingly bleak and desperate "));
        QCOMPARE(ds.examples[1].label, 0);
        QCOMPARE(ds.examples[1].labelText, std::string("0"));
        // No quoting in TSV; the blank line 4 is skipped silently.
        QCOMPARE(ds.examples[2].textA, std::string("a \"quoted\" word"));
        QCOMPARE(ds.examples[2].line, int64_t(5));
        QVERIFY(ds.warnings.empty());
        QCOMPARE(ds.skippedLines, int64_t(0));
    }

    void mnliDevMatched()
    {
        const std::string header =
            "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\t"
            "sentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n";
        const std::string path = write(
            "dev_matched.tsv",
            header +
                "0\t63735\t63735n\tslate\t( ( The ( new rights ) ) )\t( Everyone ( ( really likes ) ) )\t"
                "(ROOT (S (NP The new rights)))\t(ROOT (S (NP Everyone)))\tThe new rights are nice enough\t"
                "Everyone really likes the newest benefits \tneutral\tneutral\n"
                "1\t91383\t91383c\tgovernment\t( This site )\t( The site )\t(ROOT (S))\t(ROOT (S))\t"
                "This site includes a list.\tThe Government Executive articles are not "
                "there.\tcontradiction\t"
                "contradiction\n"
                "2\t755\t755e\ttelephone\t( uh )\t( i )\t(ROOT)\t(ROOT)\tuh i don't know\ti'm not sure\t"
                "entailment\t-\n"
                "3\t78013\t78013c\ttelephone\t( yeah )\t( no )\t(ROOT)\t(ROOT)\tyeah i tell you what\tno "
                "way\t"
                "contradiction\tEntailment\n");
        // Case differs from the file on purpose (roberta-large-mnli writes them upper-case).
        const std::map<std::string, int> label2id = {{"CONTRADICTION", 0}, {"NEUTRAL", 1}, {"ENTAILMENT", 2}};
        const Dataset ds = load(path, {}, &label2id);
        QCOMPARE(ds.columns.size(), size_t(12));
        QCOMPARE(ds.textColumn, std::string("sentence1"));
        QCOMPARE(ds.textBColumn, std::string("sentence2"));
        QCOMPARE(ds.labelColumn, std::string("gold_label"));
        QVERIFY(ds.hasPairs());
        QCOMPARE(ds.examples.size(), size_t(3));
        QCOMPARE(ds.examples[0].textA, std::string("The new rights are nice enough"));
        QCOMPARE(*ds.examples[0].textB, std::string("Everyone really likes the newest benefits "));
        QCOMPARE(ds.examples[0].label, 1);
        QCOMPARE(ds.examples[1].label, 0);
        QCOMPARE(ds.examples[2].label, 2);
        QCOMPARE(ds.examples[2].labelText, std::string("Entailment"));
        QCOMPARE(ds.examples[2].line, int64_t(5));
        // The '-' gold label (line 4) is skipped with a warning.
        QCOMPARE(ds.warnings.size(), size_t(1));
        QCOMPARE(ds.warnings[0].line, int64_t(4));
        QVERIFY(contains(ds.warnings[0].message, "'-'"));
        QCOMPARE(ds.skippedLines, int64_t(1));
        // Not a malformed line: strict mode still loads.
        DatasetOptions strict;
        strict.strict = true;
        QCOMPARE(load(path, strict, &label2id).examples.size(), size_t(3));
    }

    void noHeaderFixture()
    {
        const QDir fixtures(QStringLiteral(HEADSCOPE_FIXTURES_DIR));
        const QString file = fixtures.filePath(QStringLiteral("reference/data.tsv"));
        if (!QFile::exists(file)) QSKIP("fixtures not found (HEADSCOPE_FIXTURES_DIR)");
        const Dataset ds = load(file.toStdString());
        QCOMPARE(ds.columns, (std::vector<std::string>{"0", "1"}));
        QCOMPARE(ds.textColumn, std::string("0"));
        QCOMPARE(ds.labelColumn, std::string("1"));
        QCOMPARE(ds.examples.size(), size_t(50));
        QCOMPARE(ds.examples[0].textA, std::string("The movie was really GOOD , and the music was great !"));
        QCOMPARE(ds.examples[0].label, 1);
        QCOMPARE(ds.examples[0].line, int64_t(1));
        QCOMPARE(ds.examples[49].textA,
                 std::string("cafe different before make lessing big child family first wrong good"));
        int positives = 0;
        for (const Example& ex : ds.examples)
            positives += ex.label;
        QCOMPARE(positives, 14);

        const Dataset pairs =
            load(fixtures.filePath(QStringLiteral("reference/data_pairs.tsv")).toStdString());
        QCOMPARE(pairs.examples.size(), size_t(20));
        QVERIFY(pairs.hasPairs());
        QCOMPARE(*pairs.examples[0].textB,
                 std::string("look an more keep leave those hotel actress love wrong hate"));
        positives = 0;
        for (const Example& ex : pairs.examples)
            positives += ex.label;
        QCOMPARE(positives, 9);
    }

    void realSst2Dev()
    {
        const QString file =
            QDir(QStringLiteral(HEADSCOPE_FIXTURES_DIR)).filePath(QStringLiteral("real/sst2_dev.tsv"));
        if (!QFile::exists(file)) QSKIP("fixtures not found (HEADSCOPE_FIXTURES_DIR)");
        const Dataset ds = load(file.toStdString());
        QCOMPARE(ds.examples.size(), size_t(872));
        QVERIFY(ds.warnings.empty());
        int positives = 0;
        for (const Example& ex : ds.examples)
            positives += ex.label;
        QCOMPARE(positives, 444);
        QCOMPARE(ds.examples.back().line, int64_t(873));
        DatasetOptions limited;
        limited.limit = 10;
        QCOMPARE(load(file.toStdString(), limited).examples.size(), size_t(10));
    }

    void csvQuoting()
    {
        const std::string path = write("quotes.csv", "text,label\r\n"
                                                     "\"Hello, world\",1\r\n"
                                                     "\"She said \"\"hi\"\"\",0\r\n"
                                                     "\"line one\nline two\",1\n"
                                                     "plain text,0\n"
                                                     "\"\",1\n");
        const Dataset ds = load(path);
        QCOMPARE(ds.format, DatasetFormat::Csv);
        QCOMPARE(ds.columns, (std::vector<std::string>{"text", "label"}));
        QCOMPARE(ds.examples.size(), size_t(5));
        QCOMPARE(ds.examples[0].textA, std::string("Hello, world"));
        QCOMPARE(ds.examples[1].textA, std::string("She said \"hi\""));
        QCOMPARE(ds.examples[1].label, 0);
        QCOMPARE(ds.examples[2].textA, std::string("line one\nline two"));
        QCOMPARE(ds.examples[2].line, int64_t(4));
        QCOMPARE(ds.examples[3].textA, std::string("plain text"));
        QCOMPARE(ds.examples[3].line, int64_t(6)); // the quoted newline used line 5
        QCOMPARE(ds.examples[4].textA, std::string());

        // Without header, three columns: text, text B, label.
        const std::string pairs = write("pairs.csv", "\"a, b\",\"c\",1\nd,\"e\"\"f\",0\n");
        const Dataset p = load(pairs);
        QCOMPARE(p.examples.size(), size_t(2));
        QCOMPARE(p.examples[0].textA, std::string("a, b"));
        QCOMPARE(*p.examples[1].textB, std::string("e\"f"));
        QCOMPARE(p.examples[1].label, 0);

        // An unterminated quote swallows the rest of the file: a warning at the line it starts.
        const std::string broken = write("broken.csv", "text,label\ngood,1\n\"never closed,0\nmore,1\n");
        const Dataset b = load(broken);
        QCOMPARE(b.examples.size(), size_t(1));
        QCOMPARE(b.warnings.size(), size_t(1));
        QCOMPARE(b.warnings[0].line, int64_t(3));
        QVERIFY(contains(b.warnings[0].message, "unterminated"));
    }

    void jsonlWithLabelMap()
    {
        const std::string path =
            write("reviews.jsonl", "{\"text\": \"a fine film\", \"label\": \"positive\"}\n"
                                   "\n"
                                   "{\"label\": \"NEGATIVE\", \"text\": \"dull\", \"id\": 7}\n"
                                   "{\"text\": \"no label here\"}\n"
                                   "{\"text\": \"broken\", \n"
                                   "{\"text\": \"numbers work too\", \"label\": 1}\n"
                                   "{\"text\": \"meh\", \"label\": \"mixed\"}\n");
        const std::map<std::string, int> label2id = {{"negative", 0}, {"positive", 1}};
        const Dataset ds = load(path, {}, &label2id);
        QCOMPARE(ds.format, DatasetFormat::Jsonl);
        QCOMPARE(ds.columns, (std::vector<std::string>{"text", "label"}));
        QCOMPARE(ds.examples.size(), size_t(3));
        QCOMPARE(ds.examples[0].label, 1);
        QCOMPARE(ds.examples[1].textA, std::string("dull"));
        QCOMPARE(ds.examples[1].label, 0);
        QCOMPARE(ds.examples[1].line, int64_t(3));
        QCOMPARE(ds.examples[2].label, 1);
        QCOMPARE(ds.examples[2].line, int64_t(6));
        QCOMPARE(ds.warnings.size(), size_t(3));
        QCOMPARE(ds.warnings[0].line, int64_t(4));
        QVERIFY(contains(ds.warnings[0].message, "missing key 'label'"));
        QCOMPARE(ds.warnings[1].line, int64_t(5));
        QVERIFY(contains(ds.warnings[1].message, "invalid JSON"));
        QCOMPARE(ds.warnings[2].line, int64_t(7));
        QVERIFY(contains(ds.warnings[2].message, "unknown label 'mixed'"));

        // Without a label map only the integer label survives.
        const Dataset none = load(path);
        QCOMPARE(none.examples.size(), size_t(1));
        QCOMPARE(none.examples[0].textA, std::string("numbers work too"));
        QVERIFY(contains(none.warnings[0].message, "unknown label 'positive'"));
    }

    void raggedRowsAndStrict()
    {
        const std::string path = write("ragged.tsv", "sentence\tlabel\n"
                                                     "fine\t1\n"
                                                     "too\tmany\t1\n"
                                                     "toofew\n"
                                                     "also fine\t0\n");
        const Dataset ds = load(path);
        QCOMPARE(ds.examples.size(), size_t(2));
        QCOMPARE(ds.examples[1].textA, std::string("also fine"));
        QCOMPARE(ds.warnings.size(), size_t(2));
        QCOMPARE(ds.warnings[0].line, int64_t(3));
        QCOMPARE(ds.warnings[0].message, std::string("expected 2 fields, found 3"));
        QCOMPARE(ds.warnings[1].line, int64_t(4));
        QCOMPARE(ds.warnings[1].message, std::string("expected 2 fields, found 1"));
        QCOMPARE(ds.skippedLines, int64_t(2));

        DatasetOptions strict;
        strict.strict = true;
        const auto failed = loadDataset(path, strict);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, ErrorCode::InvalidFile);
        QCOMPARE(failed.error().path, path);
        QCOMPARE(failed.error().message, std::string("line 3: expected 2 fields, found 3"));
    }

    void unknownLabel()
    {
        const std::string path = write("unknown.tsv", "sentence\tlabel\nfoo\tmaybe\nbar\t1\n");
        const Dataset ds = load(path);
        QCOMPARE(ds.examples.size(), size_t(1));
        QCOMPARE(ds.examples[0].textA, std::string("bar"));
        QCOMPARE(ds.warnings.size(), size_t(1));
        QCOMPARE(ds.warnings[0].line, int64_t(2));
        QVERIFY(contains(ds.warnings[0].message, "unknown label 'maybe'"));

        DatasetOptions strict;
        strict.strict = true;
        const auto failed = loadDataset(path, strict);
        QVERIFY(!failed.ok());
        QVERIFY(contains(failed.error().message, "line 2: unknown label 'maybe'"));
    }

    void emptyAndMissingFiles()
    {
        const std::string empty = write("empty.tsv", "");
        auto r = loadDataset(empty, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidFile);
        QCOMPARE(r.error().path, empty);

        const std::string headerOnly = write("header_only.tsv", "sentence\tlabel\n");
        r = loadDataset(headerOnly, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().path, headerOnly);

        // Every line skipped: the error says why with the first warning.
        const std::string allBad = write("all_bad.tsv", "sentence\tlabel\na\tb\tc\n");
        r = loadDataset(allBad, {});
        QVERIFY(!r.ok());
        QVERIFY(contains(r.error().toString(), "line 2: expected 2 fields, found 3"));

        const std::string missing = m_dir.filePath(QStringLiteral("nope.tsv")).toStdString();
        r = loadDataset(missing, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::FileNotFound);
        QCOMPARE(r.error().path, missing);

        const std::string txt = write("data.txt", "a\t1\n");
        r = loadDataset(txt, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        DatasetOptions tsv;
        tsv.format = DatasetFormat::Tsv;
        QCOMPARE(load(txt, tsv).examples.size(), size_t(1));
    }

    void binaryFileIsNotText()
    {
        // A safetensors-like header: 8 little-endian length bytes (NULs), then JSON.
        std::string bytes("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":1}", 16);
        const std::string path = write("weights.tsv", bytes);
        for (int pass = 0; pass < 2; ++pass) {
            const Error e = pass == 0 ? previewDataset(path).error() : loadDataset(path, {}).error();
            QCOMPARE(e.code, ErrorCode::InvalidFile);
            QCOMPARE(e.path, path);
            QVERIFY2(contains(e.toString(), "not a text file"), e.toString().c_str());
            QVERIFY(contains(e.toString(), "offset 1")); // the first NUL follows the 0x10
        }
        // Control characters without NULs (1 in 10 bytes) are refused too; tabs and CRs are not.
        std::string noisy;
        for (int i = 0; i < 200; ++i) noisy += (i % 10 == 0) ? '\x01' : 'x';
        QVERIFY(contains(loadDataset(write("noisy.tsv", noisy), {}).error().toString(), "not a text file"));
        QCOMPARE(load(write("crlf.tsv", "sentence\tlabel\r\ngood\t1\r\n")).examples.size(), size_t(1));
    }

    void columnsByIndexAndName()
    {
        const std::string path = write("indexed.tsv", "17\tgood movie\t1\n18\tbad movie\t0\n");
        DatasetOptions byIndex;
        byIndex.hasHeader = false;
        byIndex.textColumn = "1";
        byIndex.labelColumn = "2";
        byIndex.textBColumn = "";
        Dataset ds = load(path, byIndex);
        QCOMPARE(ds.examples.size(), size_t(2));
        QCOMPARE(ds.examples[1].textA, std::string("bad movie"));
        QCOMPARE(ds.examples[1].label, 0);
        QCOMPARE(ds.textColumn, std::string("1"));

        // Header guessed from row 2: "stars" is a word, "4" a number.
        const std::string named = write("named.tsv", "review\tstars\ngreat\t4\nawful\t1\n");
        DatasetOptions byName;
        byName.textColumn = "review";
        byName.labelColumn = "STARS"; // names match case-insensitively
        ds = load(named, byName);
        QCOMPARE(ds.examples.size(), size_t(2));
        QCOMPARE(ds.examples[0].label, 4);
        QCOMPARE(ds.labelColumn, std::string("stars"));

        // Without a recognisable text column the guess fails and lists the columns.
        auto r = loadDataset(named, {});
        QVERIFY(!r.ok());
        QVERIFY(contains(r.error().toString(), "review, stars"));

        DatasetOptions wrong;
        wrong.textColumn = "sentence";
        r = loadDataset(named, wrong);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(r.error().path, named);
        QVERIFY(contains(r.error().message, "unknown column 'sentence'"));
        QVERIFY(contains(r.error().message, "available columns: review, stars"));

        DatasetOptions outOfRange;
        outOfRange.textColumn = "5";
        r = loadDataset(named, outOfRange);
        QVERIFY(!r.ok());
        QVERIFY(contains(r.error().message, "out of range"));

        // Forcing "no header" on a file with one: the header becomes a row with label "label".
        const std::string sst = write("forced.tsv", "sentence\tlabel\nok\t1\n");
        DatasetOptions noHeader;
        noHeader.hasHeader = false;
        ds = load(sst, noHeader);
        QCOMPARE(ds.examples.size(), size_t(1));
        QCOMPARE(ds.warnings.size(), size_t(1));
        QCOMPARE(ds.warnings[0].line, int64_t(1));
        QVERIFY(contains(ds.warnings[0].message, "unknown label 'label'"));
    }

    void byteOrderMark()
    {
        const std::string path = write("bom.tsv", "\xEF\xBB\xBFsentence\tlabel\r\nhello\t1\r\n");
        const Dataset ds = load(path);
        QCOMPARE(ds.columns, (std::vector<std::string>{"sentence", "label"}));
        QCOMPARE(ds.examples.size(), size_t(1));
        QCOMPARE(ds.examples[0].textA, std::string("hello"));
        QCOMPARE(ds.examples[0].label, 1);

        const std::string jsonl = write("bom.jsonl", "\xEF\xBB\xBF{\"sentence\": \"x\", \"label\": 0}\n");
        QCOMPARE(load(jsonl).examples[0].textA, std::string("x"));
    }

    void preview()
    {
        const std::string sst = write("preview.tsv", "sentence\tlabel\na\t1\nb\t0\nc\t1\n");
        auto p = previewDataset(sst, DatasetFormat::Auto, 2);
        QVERIFY2(p.ok(), p.error().toString().c_str());
        QVERIFY(p->hasHeader);
        QCOMPARE(p->columns, (std::vector<std::string>{"sentence", "label"}));
        QCOMPARE(p->rows.size(), size_t(2));
        QCOMPARE(p->rows[1], (std::vector<std::string>{"b", "0"}));
        QCOMPARE(p->guessedText, std::string("sentence"));
        QCOMPARE(p->guessedLabel, std::string("label"));
        QVERIFY(!p->ambiguous);

        const std::string wide = write("wide.tsv", "1\ta\tb\tc\t0\n2\td\te\tf\t1\n");
        p = previewDataset(wide);
        QVERIFY(p.ok());
        QVERIFY(!p->hasHeader);
        QCOMPARE(p->columns, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
        QVERIFY(p->ambiguous);
        QVERIFY(contains(p->reason, "5 columns"));

        const std::string noText = write("notext.csv", "review,label\nnice,1\n");
        p = previewDataset(noText);
        QVERIFY(p.ok());
        QCOMPARE(p->format, DatasetFormat::Csv);
        QVERIFY(p->hasHeader);
        QVERIFY(p->ambiguous);
        QVERIFY(p->guessedText.empty());
        QCOMPARE(p->guessedLabel, std::string("label"));

        const std::string qnli =
            write("qnli.jsonl", "{\"question\": \"q?\", \"sentence\": \"s.\", \"label\": 0}\n");
        p = previewDataset(qnli);
        QVERIFY(p.ok());
        QCOMPARE(p->guessedText, std::string("question"));
        QCOMPARE(p->guessedTextB, std::string("sentence"));
        QVERIFY(!p->ambiguous);
    }

    void formatNames()
    {
        QCOMPARE(datasetFormatFromName("TSV"), DatasetFormat::Tsv);
        QCOMPARE(datasetFormatFromName("csv"), DatasetFormat::Csv);
        QCOMPARE(datasetFormatFromName("jsonl"), DatasetFormat::Jsonl);
        QCOMPARE(datasetFormatFromName("auto"), DatasetFormat::Auto);
        QCOMPARE(std::string(datasetFormatName(DatasetFormat::Jsonl)), std::string("jsonl"));
        QCOMPARE(std::string(datasetFormatName(DatasetFormat::Tsv)), std::string("tsv"));
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
