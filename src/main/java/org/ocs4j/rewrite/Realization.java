package org.ocs4j.rewrite;

/** How the duplicated input channels of a split layer are produced in the widened model. */
public enum Realization {
    /** The producer layer (and the per-channel layers after it) emits duplicated output channels. */
    WIDENED_PRODUCER,
    /** A {@code SubsetVertex} per duplicated channel and a {@code MergeVertex} are inserted before the layer. */
    DUPLICATION_VERTEX
}
