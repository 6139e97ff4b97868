/**
 * Outlier channel splitting on plain {@code INDArray}s: {@link org.ocs4j.split.ChannelSplitter} chooses and splits
 * channels greedily (plain or grid-aware halving), {@link org.ocs4j.split.SplitPlan} records what was split.
 */
package org.ocs4j.split;
