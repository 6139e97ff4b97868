package org.ocs4j.progress;

/**
 * Progress of long work, reported by ocs4j and shown by whoever plugs in an implementation: the CLI a progress bar,
 * tests and library users nothing ({@link #NONE}) unless they choose.
 */
public interface Progress {

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void step() {
        }

        @Override
        public void finish() {
        }
    };

    /** A task of {@code total} steps begins. */
    void start(String task, long total);

    /** One step of the current task is done. */
    void step();

    /** The current task is done. */
    void finish();
}
