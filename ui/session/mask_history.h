#pragma once
// Undo and redo of head-mask edits (Edit > Undo Mask Edit, Ctrl+Z; Redo, Ctrl+Shift+Z): the
// masks users export are chosen by hand, click by click, so a wrong click must be reversible.
//
//   MaskHistory history(session);   // records every SessionState::maskChanged
//   history.undo();                 // puts the previous mask back through SessionState::setMask
//
// A new model (another shape) starts a new history. Lives on the UI thread.
#include "mask/head_mask.h"

#include <QObject>

#include <vector>

namespace headscope::ui {

class SessionState;

class MaskHistory : public QObject
{
    Q_OBJECT
public:
    /// Older masks are dropped beyond this many steps.
    static constexpr size_t kMaxSteps = 500;

    explicit MaskHistory(SessionState* session, QObject* parent = nullptr);

    bool canUndo() const { return !m_undo.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    size_t undoCount() const { return m_undo.size(); }

public slots:
    void undo();
    void redo();
    /// Forgets every step (the current mask stays).
    void clear();

signals:
    /// canUndo() or canRedo() may have changed.
    void changed();

private:
    void onMaskChanged(const core::HeadMask& mask);
    void apply(const core::HeadMask& mask);

    SessionState* m_session;
    core::HeadMask m_current;
    std::vector<core::HeadMask> m_undo;
    std::vector<core::HeadMask> m_redo;
    bool m_applying = false;
};

} // namespace headscope::ui
