#pragma once
// The head grid with live evaluation: click heads to mask them, see accuracy and latency
// update on the right while the evaluation runs in the background.
#include <QWidget>

class QLabel;
class QStackedWidget;

namespace headscope::ui {

class EvaluationController;
class EvaluationPanel;
class HeadGridView;
class MessageBar;
class SessionState;

class HeadGridPage : public QWidget
{
    Q_OBJECT
public:
    HeadGridPage(SessionState* session, EvaluationController* controller, QWidget* parent = nullptr);

    HeadGridView* grid() const { return m_grid; }
    EvaluationPanel* panel() const { return m_panel; }
    MessageBar* messageBar() const { return m_messages; }
    /// FLOP ratio of the model over the model with the mask's heads removed (0: no model).
    double estimatedPrunedSpeedup() const;

public slots:
    void chooseMaskFile();

private:
    void updateSummary();

    SessionState* m_session;
    MessageBar* m_messages;
    QStackedWidget* m_stack;
    HeadGridView* m_grid;
    EvaluationPanel* m_panel;
    QLabel* m_summary;
};

} // namespace headscope::ui
