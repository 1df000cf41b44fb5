//! How long the csv crate alone takes to read a file (the floor for loading).
fn main() {
    let path = std::env::args().nth(1).expect("path");
    let start = std::time::Instant::now();
    let mut reader = csv::ReaderBuilder::new().buffer_capacity(1 << 20).from_path(&path).unwrap();
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    while reader.read_byte_record(&mut record).unwrap() {
        n += 1;
    }
    println!("{n} rows in {:.3}s", start.elapsed().as_secs_f64());
}
