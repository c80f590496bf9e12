package ingest_test
import ("testing";"time";"math/rand";"os";"fmt";"github.com/voc-project/voc/ingest")
func TestDbgStress(t *testing.T){
	seeds := [][]byte{
		makeXLSX(t, [][]string{{"rating", "body", "date"}, {"5", "good", "2024-01-01"}, {"x", "", ""}}),
		makeXLSX(t, [][]string{{"星级", "内容"}, {"4", "很好"}}),
		makeXLSX(t, nil),
	}
	rng := rand.New(rand.NewSource(1))
	var worst time.Duration
	for i := 0; i < 30000; i++ {
		b := append([]byte{}, seeds[rng.Intn(3)]...)
		for k := 0; k < 1+rng.Intn(4); k++ {
			switch rng.Intn(4) {
			case 0: b[rng.Intn(len(b))] = byte(rng.Intn(256))
			case 1: p := rng.Intn(len(b)-8); v := uint64(rng.Int63()); for j:=0;j<8;j++ { b[p+j] = byte(v>>(8*j)) }
			case 2: p := rng.Intn(len(b)); b[p] = 0xff
			case 3: p := rng.Intn(len(b)-4); b[p], b[p+1], b[p+2], b[p+3] = 0xff,0xff,0xff,0x7f
			}
		}
		st := time.Now()
		done := make(chan struct{})
		go func(){ select { case <-done: case <-time.After(3*time.Second): os.WriteFile("/tmp/slow.xlsx", b, 0o644); fmt.Println("SLOW", i); os.Exit(3) } }()
		checkParse(t, b, ingest.Options{Format: ingest.FormatXLSX})
		close(done)
		if d := time.Since(st); d > worst { worst = d; t.Logf("i=%d worst %v", i, d) }
	}
}
