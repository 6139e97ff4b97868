// CI smoke test of the jshell path: load the committed Fashion-MNIST model, split it, evaluate; exit 1 on failure.
var net = (MultiLayerNetwork) ModelFiles.load(Path.of("models/fashion-mnist-mln.zip"));
var test = (org.nd4j.linalg.dataset.DataSet) FashionMnist.test(FashionMnist.DEBIAN_DIR).getRange(0, 1000);
var r = Ocs.split(net).expandRatio(0.05).inputShape(1, 28, 28).apply();
System.out.println(r.report());
var check = IdentityCheck.run(net, r.model(), test.getFeatures());
System.out.println(check);
double acc = org.ocs4j.eval.ClassifierEvaluator.accuracy(r.model(), test);
System.out.println("widened model accuracy on 1,000 test images: " + acc);
boolean ok = check.passes(1e-5) && acc > 0.85;
System.out.println(ok ? "jshell smoke test: OK" : "jshell smoke test: FAILED");
/exit ok ? 0 : 1
