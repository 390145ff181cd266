// Prints one plain closing line, "numgrad: N passed, N failed, N skipped", that any CI log
// reader understands, and the WebGPU adapter the suites ran on.
export default class SummaryReporter {
  onTestRunEnd(testModules) {
    let passed = 0, failed = 0, skipped = 0;
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
      }
      if (m.state() === 'failed' && ![...m.children.allTests()].length) failed++;
    }
    console.log(`numgrad: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
