// ocs4j quickstart: bin/ocs4j-jshell jshell/quickstart.jsh (needs: apt-get install -y dataset-fashion-mnist)
var net = (MultiLayerNetwork) Ocs.load(Path.of("models/fashion-mnist-mln.zip"));
var train = FashionMnist.train(FashionMnist.DEBIAN_DIR);
var test = FashionMnist.test(FashionMnist.DEBIAN_DIR);
var cfg = OcsConfig.builder().weightBits(6).activationBits(8).weightClip(ClipMethod.MSE).expandRatio(0.02).build();
var identity = Ocs.of(net).config(cfg).widen().checkIdentity(1, 64, InputShape.of(1, 28, 28));
var q = Ocs.of(net).config(cfg).calibrateOn(Sampling.randomBatches(train, 4, 32, 42),
        "Fashion-MNIST train, random 128 (seed 42)").quantize();
System.out.println(q.report() + "\nwidened FP32 model vs original: " + identity);
var fp32 = Ocs.evaluateClassifier(net, test);
var w6a8 = Ocs.evaluateClassifier(q.model(), test);
System.out.printf("FP32: %s%nW6A8, OCS r = 0.02 + MSE: %s%n", fp32, w6a8);
boolean ok = identity.passes(1e-4) && w6a8.top1() > 0.88 && w6a8.top1() > fp32.top1() - 0.01;
System.out.println(ok ? "quickstart: OK" : "quickstart: FAILED");
/exit ok ? 0 : 1
