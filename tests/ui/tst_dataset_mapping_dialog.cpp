// The column-mapping dialog on a hand-made preview: the guess is preselected, toggling the
// header turns the first row into column names, invalid choices disable Load, and the options
// name the columns as the loader expects them.
#include "dialogs/dataset_mapping_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

using namespace headscope;
using namespace headscope::ui;

class TestDatasetMappingDialog : public QObject
{
    Q_OBJECT
private:
    static core::DatasetPreview preview()
    {
        core::DatasetPreview p;
        p.format = core::DatasetFormat::Tsv;
        p.hasHeader = false;
        p.columns = {"0", "1", "2"};
        p.rows = {{"premise", "hypothesis", "gold"}, {"a cat sat", "a cat", "1"}, {"dogs run", "cats sleep", "0"}};
        p.guessedText = "0";
        p.guessedLabel = "2";
        p.ambiguous = true;
        p.reason = "three columns and no known header";
        return p;
    }

    template <class T>
    static T* child(QDialog& d, int index = 0)
    {
        return d.findChildren<T*>().at(index);
    }

private slots:
    void guessIsPreselected()
    {
        DatasetMappingDialog dialog(QStringLiteral("/data/x.tsv"), preview());
        auto* table = dialog.findChild<QTableWidget*>();
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->columnCount(), 3);
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("a cat"));
        const core::DatasetOptions o = dialog.options();
        QCOMPARE(o.textColumn, std::string("0"));
        QCOMPARE(o.textBColumn, std::string());
        QCOMPARE(o.labelColumn, std::string("2"));
        QCOMPARE(o.hasHeader.value(), false);
        QCOMPARE(int(o.format), int(core::DatasetFormat::Tsv));
    }

    void headerRowBecomesNames()
    {
        DatasetMappingDialog dialog(QStringLiteral("/data/x.tsv"), preview());
        dialog.findChild<QCheckBox*>()->setChecked(true);
        auto* table = dialog.findChild<QTableWidget*>();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->horizontalHeaderItem(2)->text(), QStringLiteral("gold"));
        const auto combos = dialog.findChildren<QComboBox*>();
        QCOMPARE(combos.size(), 3); // text, text B, label in layout order
        combos[1]->setCurrentIndex(2); // text B = "hypothesis" (index 0 is "none")
        const core::DatasetOptions o = dialog.options();
        QCOMPARE(o.textColumn, std::string("premise"));
        QCOMPARE(o.textBColumn, std::string("hypothesis"));
        QCOMPARE(o.labelColumn, std::string("gold"));
        QCOMPARE(o.hasHeader.value(), true);
    }

    void invalidChoiceDisablesLoad()
    {
        DatasetMappingDialog dialog(QStringLiteral("/data/x.tsv"), preview());
        auto* load = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(load->isEnabled());
        const auto combos = dialog.findChildren<QComboBox*>();
        combos[2]->setCurrentIndex(0); // label = text column
        QVERIFY(!load->isEnabled());
        combos[2]->setCurrentIndex(2);
        combos[1]->setCurrentIndex(1); // text B = text column
        QVERIFY(!load->isEnabled());
        combos[1]->setCurrentIndex(2);
        QVERIFY(load->isEnabled());
        QCOMPARE(dialog.options().textBColumn, std::string("1"));
    }
};

QTEST_MAIN(TestDatasetMappingDialog)
#include "tst_dataset_mapping_dialog.moc"
