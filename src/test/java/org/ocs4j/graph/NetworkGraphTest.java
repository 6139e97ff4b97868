package org.ocs4j.graph;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.TestNets;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkGraphTest {

    @Test
    void multiLayerNetworkIsAChainNamedByIndex() {
        MultiLayerNetwork net = TestNets.mln(1);
        NetworkGraph g = NetworkGraph.of(net, InputShape.of(3, 12, 12).toInputType());
        List<String> names = g.nodes().stream().map(Node::name).toList();
        assertEquals(List.of("input", "0", "1", "2", "3", "4", "5", "6"), names);
        assertEquals(List.of("4"), g.node("5").inputs());
        assertEquals(NodeKind.DENSE, g.node("5").kind());
        assertTrue(g.node("5").preProcessor() != null, "the CNN→dense flatten");
        assertEquals(List.of("6"), g.outputs());
        assertEquals(java.util.Set.of("W", "b"), java.util.Set.copyOf(g.paramKeys(g.node("0"))));
        assertEquals(List.of(), g.paramKeys(g.node("2")), "activation layer has no parameters");
        INDArray w = g.param(g.node("0"), "W");
        assertNotSame(net.getLayer(0).getParam("W"), w, "params are copies, never views");
        assertEquals("InputTypeConvolutional(h=10,w=10,c=8,NCHW)", g.outputType("0").orElseThrow().toString());
    }

    @Test
    void computationGraphIsTopologicalWithConsumers() {
        ComputationGraph net = TestNets.residual(1);
        NetworkGraph g = NetworkGraph.of(net);
        List<String> order = g.nodes().stream().map(Node::name).toList();
        assertTrue(order.indexOf("stem-relu") < order.indexOf("add") && order.indexOf("b2-bn") < order.indexOf("add"));
        assertEquals(List.of("b1", "add"), g.consumers("stem-relu"));
        assertEquals(NodeKind.ELEMENTWISE, g.node("add").kind());
        assertEquals(NodeKind.INPUT, g.node("in").kind());
        assertThrows(IllegalArgumentException.class, () -> g.node("nope"));
        assertThrows(IllegalArgumentException.class, () -> NetworkGraph.of(null));
    }

    @Test
    void visitorSeesEveryNodeOnceByFamily() {
        NetworkGraph g = NetworkGraph.of(TestNets.concat(1));
        List<String> seen = new ArrayList<>();
        g.accept(new GraphVisitor() {
            @Override
            public void visitInput(Node node, NetworkGraph graph) {
                seen.add("input:" + node.name());
            }

            @Override
            public void visitWeightLayer(Node node, NetworkGraph graph) {
                seen.add("weights:" + node.name());
            }

            @Override
            public void visitChannelwise(Node node, NetworkGraph graph) {
                seen.add("channelwise:" + node.name());
            }

            @Override
            public void visitVertex(Node node, NetworkGraph graph) {
                seen.add("vertex:" + node.name());
            }

            @Override
            public void visitOther(Node node, NetworkGraph graph) {
                throw new AssertionError("unexpected " + node);
            }
        });
        assertEquals(g.nodes().size(), seen.size());
        assertTrue(seen.containsAll(List.of("input:in", "weights:left", "channelwise:right-bn", "vertex:cat",
                "channelwise:pool", "weights:fc", "weights:out")), seen.toString());
    }

    @Test
    void tracerFollowsPerChannelNodesToTheProducer() {
        NetworkGraph res = NetworkGraph.of(TestNets.residual(1));
        ChannelPath b2 = ChannelTracer.trace(res, res.node("b2"));
        assertEquals(ChannelPath.SourceKind.PRODUCER, b2.sourceKind());
        assertEquals("b1", b2.source().name());
        assertEquals(List.of("b1-relu", "b1-bn"), b2.carriers().stream().map(Node::name).toList());
        assertEquals(ChannelPath.SourceKind.ELEMENTWISE, ChannelTracer.trace(res, res.node("head")).sourceKind());
        assertEquals(ChannelPath.SourceKind.NETWORK_INPUT, ChannelTracer.trace(res, res.node("stem")).sourceKind());

        NetworkGraph cat = NetworkGraph.of(TestNets.concat(1));
        assertEquals(ChannelPath.SourceKind.MERGE, ChannelTracer.trace(cat, cat.node("mix")).sourceKind());
        ChannelPath fc = ChannelTracer.trace(cat, cat.node("fc"));
        assertEquals(16, fc.featuresPerChannel(), "one channel of a 4x4 map is 16 flattened features");
        assertEquals("mix", fc.source().name());

        NetworkGraph dw = NetworkGraph.of(TestNets.depthwise(1));
        ChannelPath pw = ChannelTracer.trace(dw, dw.node("pw"));
        assertEquals("c0", pw.source().name());
        assertTrue(pw.carriers().stream().anyMatch(n -> n.kind() == NodeKind.DEPTHWISE_CONV));
    }

    @Test
    void inputShapesParseAndValidate() {
        assertEquals(InputShape.of(3, 224, 224), InputShape.parse("3, 224,224"));
        assertEquals("[2, 3, 224, 224]", java.util.Arrays.toString(InputShape.of(3, 224, 224).withBatch(2)));
        assertThrows(IllegalArgumentException.class, () -> InputShape.parse("3,224"));
        assertThrows(IllegalArgumentException.class, () -> InputShape.parse("a,b,c"));
        assertThrows(IllegalArgumentException.class, () -> InputShape.of(0, 4, 4));
    }
}
