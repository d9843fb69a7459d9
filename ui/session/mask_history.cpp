#include "session/mask_history.h"

#include "session/session_state.h"

namespace headscope::ui {

MaskHistory::MaskHistory(SessionState* session, QObject* parent) : QObject(parent), m_session(session)
{
    m_current = session->mask();
    connect(session, &SessionState::maskChanged, this, &MaskHistory::onMaskChanged);
    connect(session, &SessionState::modelChanged, this, &MaskHistory::clear);
}

void MaskHistory::onMaskChanged(const core::HeadMask& mask)
{
    if (m_applying)
        return;
    if (mask == m_current)
        return;
    // A mask of another shape belongs to another model: nothing before it can be undone.
    if (m_current.nLayers() != mask.nLayers() || m_current.nHeads() != mask.nHeads() || m_current.empty()) {
        m_current = mask;
        clear();
        return;
    }
    m_undo.push_back(m_current);
    if (m_undo.size() > kMaxSteps)
        m_undo.erase(m_undo.begin());
    m_redo.clear();
    m_current = mask;
    emit changed();
}

void MaskHistory::apply(const core::HeadMask& mask)
{
    m_applying = true;
    const bool ok = m_session->setMask(mask);
    m_applying = false;
    if (ok)
        m_current = mask;
}

void MaskHistory::undo()
{
    if (m_undo.empty())
        return;
    m_redo.push_back(m_current);
    const core::HeadMask previous = m_undo.back();
    m_undo.pop_back();
    apply(previous);
    emit changed();
}

void MaskHistory::redo()
{
    if (m_redo.empty())
        return;
    m_undo.push_back(m_current);
    const core::HeadMask next = m_redo.back();
    m_redo.pop_back();
    apply(next);
    emit changed();
}

void MaskHistory::clear()
{
    m_current = m_session->mask();
    m_undo.clear();
    m_redo.clear();
    emit changed();
}

} // namespace headscope::ui
