package org.ocs4j.rewrite;

/** How the duplicated input channels of a split layer are produced in the widened model. */
public enum Realization {
    /** The producer layer (and the per-channel layers after it) emits duplicated output channels. */
    WIDENED_PRODUCER,
    /**
     * Vertices inserted before the layer emit the duplicates: stock DL4J (a {@code SubsetVertex} per duplicated channel
     * and a {@code MergeVertex}) for NCHW and feed-forward input, one {@link ChannelDuplicationVertex} for NHWC.
     */
    DUPLICATION_VERTEX
}
