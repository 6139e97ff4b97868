// ResNet-20 at W4 (weights only, A32): which layer costs OCS r = 0.01 its accuracy. Run from the repo root:
// bin/ocs4j-jshell benchmarks/analysis/resnet20-w4-ablation.jsh   (about 8 minutes on 2 cores; output in results/README.md)
import org.ocs4j.rewrite.*;
import org.ocs4j.graph.NodeKind;
var net = (ComputationGraph) Ocs.load(Path.of("../shared/datasets/models/cifar10_resnet20/cifar10_ResNet20v1_model.h5"));
var images = ImageFolders.open(Path.of("../shared/datasets/cifar10/test"), null, null);
var pre = ImagePreprocessing.resize(32, 32, Normalization.UNIT).withLayout(org.deeplearning4j.nn.conf.CNN2DFormat.NHWC);
double acc(Model m) { return 100 * Ocs.evaluateClassifier(m, images.iterator(pre, 250)).top1(); }
var base = OcsConfig.builder().weightBits(4).activationBits(0);
var none = Ocs.of(net).config(base.expandRatio(0).build()).quantize();
var ocs = Ocs.of(net).config(base.expandRatio(0.01).build()).quantize();
var splits = new java.util.LinkedHashMap<String, LayerReport>();
for (var l : ocs.report().widening().layers()) splits.put(l.layer(), l);
INDArray eff(String name) {
  var w = net.getLayer(name).getParam("W");
  var kind = w.rank() == 4 ? NodeKind.CONV : NodeKind.DENSE;
  var wq = ocs.model().getLayer(name).getParam("W");
  return splits.containsKey(name) ? splits.get(name).effective(kind, wq, w.shape()) : wq;
}
double a0 = acc(none.model());
System.out.printf("none everywhere %.2f%n", a0);
for (var name : splits.keySet()) {
  var m = none.model().clone();
  m.getLayer(name).getParam("W").assign(eff(name));
  var w = net.getLayer(name).getParam("W");
  var dn = none.model().getLayer(name).getParam("W").sub(w);
  var d0 = eff(name).sub(w);
  var l = splits.get(name);
  System.out.printf("only %-10s OCS: %.2f (%+.2f)  max|w| %.4f -> %.4f, split in-channels %s, |dW|^2 none %.4g ocs %.4g, sum dW none %.4g ocs %.4g%n", name, acc(m), acc(m) - a0,
      l.maxAbsBefore(), l.maxAbsAfter(), java.util.Arrays.toString(l.splitChannels()), dn.mul(dn).sumNumber().doubleValue(), d0.mul(d0).sumNumber().doubleValue(), dn.sumNumber().doubleValue(), d0.sumNumber().doubleValue());
}
/exit
