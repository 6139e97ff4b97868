package org.ocs4j.rewrite;

import org.ocs4j.graph.ChannelPath;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.split.SplitResult;

import java.util.List;
import java.util.Map;

/**
 * Everything decided before a widened model is built: each split layer with its split weights and realization,
 * the producer groups that emit duplicated channels, and the layers left alone. Made by
 * {@link ModelWidener#plan} and built by {@link ModelWidener#build}; its parts are this package's business.
 */
public record WidenPlan(NetworkGraph graph, WidenSettings settings, List<ConsumerSplit> splits,
                 Map<String, ProducerGroup> groups, List<SkippedLayer> skipped) {

    /**
     * @return which channels the widened model duplicates, and how: per split layer its name, realization and the
     * origin of every appended channel — everything that decides the widened model's activations apart from float
     * rounding (the split weights' values do not: every copy of a channel carries the same activation, and the
     * halves sum back to the original weight). Empty when nothing is split.
     */
    public String duplicatedChannels() {
        StringBuilder b = new StringBuilder();
        for (ConsumerSplit s : splits) {
            b.append(s.consumer().name()).append(' ').append(s.realization()).append(' ')
                    .append(java.util.Arrays.toString(s.split().plan().origin())).append('\n');
        }
        return b.toString();
    }

    /**
     * One split layer.
     *
     * @param consumer the split layer
     * @param path     where its input channels come from
     * @param split    its widened weight in channel view ({@link WeightLayout#channelView}) and the plan
     * @param realization how the duplicated channels are produced
     * @param group    the producer group, for {@link Realization#WIDENED_PRODUCER}; null otherwise
     * @param gridAlpha the clip value whose grid the halves were placed on (the largest, per channel), or NaN for
     *                  plain halving
     * @param gridAlphas the clip value of every output channel's grid, or null for one grid per tensor
     */
    record ConsumerSplit(Node consumer, ChannelPath path, SplitResult split, Realization realization,
                         ProducerGroup group, double gridAlpha, double[] gridAlphas) {
    }

    /**
     * A producer whose output channels are duplicated, the per-channel nodes after it that are widened with it,
     * and every weight layer that reads the widened channels.
     *
     * @param producer  the conv or dense layer that emits the duplicated channels
     * @param widened   the producer and every per-channel node downstream of it, before the weight layers
     * @param absorbers weight layers reading the widened channels: the split layers of this group get their split
     *                  columns, the others zero columns
     * @param halving   for activation OCS, the node whose per-channel output is halved ({@code 2^-depth}) for every
     *                  copy of a split channel; null for weight OCS
     */
    record ProducerGroup(Node producer, List<Node> widened, List<Node> absorbers, List<ConsumerSplit> members,
                         Node halving) {

        /** @return producer-channel index of every appended channel: the members' origins, concatenated */
        int[] appended() {
            return members.stream().flatMapToInt(m -> java.util.Arrays.stream(m.split().plan().origin())).toArray();
        }

        /** @return index into {@link #appended()} where a member's own appended channels start */
        int offsetOf(Node consumer) {
            int offset = 0;
            for (ConsumerSplit m : members) {
                if (m.consumer().name().equals(consumer.name())) return offset;
                offset += m.split().plan().splitCount();
            }
            return -1;
        }
    }
}
