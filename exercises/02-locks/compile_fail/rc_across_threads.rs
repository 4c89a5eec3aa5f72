use std::cell::RefCell;
use std::rc::Rc;
use std::thread;

fn main() {
    let counter = Rc::new(RefCell::new(0_i64));
    let for_worker = Rc::clone(&counter);
    // Rc's reference count is not atomic: it may not cross to another thread.
    let worker = thread::spawn(move || {
        *for_worker.borrow_mut() += 1;
    });
    worker.join().unwrap();
    println!("counter = {}", counter.borrow());
}
