package org.ocs4j.pipeline;

/**
 * One step of a {@link Pipeline}: reads and advances the {@link Work} of one run, and does nothing when the
 * configuration does not ask for it.
 */
public interface Stage {

    /** @return what the stage does, for progress and errors */
    String name();

    /** Advances {@code work}; never modifies the caller's model. */
    void run(Work work);
}
