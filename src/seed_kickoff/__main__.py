from seed_kickoff.launch import run

if __name__ == "__main__":
    run()
